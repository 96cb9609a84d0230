import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Holds every response the HTTP tests receive to the service's own OpenAPI document: the route and
 * method must be documented, the status must be one the operation lists, the media type one it
 * lists for that status, and a JSON body must match its schema. So the document cannot drift from
 * what the service answers. `call()` in api.ts runs it on every response; a test sending requests
 * no document could describe (an unknown path) is not held to it.
 */

// ajv-formats is CommonJS with a default export: under Node's ESM interop it arrives as the module.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

interface Operation {
  readonly responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}

interface Document {
  readonly paths: Record<string, Record<string, Operation>>;
}

const escape = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export class ResponseContract {
  private readonly ajv: Ajv;
  private readonly routes: { template: string; pattern: RegExp; params: number }[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: Document) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: 'openapi.json' });
    this.routes = Object.keys(document.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      // A literal segment wins over a parameter: `/reports/x/corrections` before `/{id}`.
      .sort((a, b) => a.params - b.params);
  }

  /** Throws, naming what differs, when the response is not what the document says. */
  check(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
    const path = decodeURI(new URL(url, 'http://service').pathname);
    const route = this.routes.find((r) => r.pattern.test(path));
    if (!route) return;
    const operation = this.document.paths[route.template]![method.toLowerCase()];
    if (!operation) return;
    const where = `${method.toUpperCase()} ${route.template} → ${status}`;
    const statusKey = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in operation.responses);
    if (!statusKey) throw new Error(`${where}: the OpenAPI document does not list this status for the operation`);
    const content = operation.responses[statusKey]!.content;
    if (!content) {
      if (body !== '' && body !== undefined && status !== 204) throw new Error(`${where}: the document lists no body, the service sent one`);
      return;
    }
    const mediaType = (contentType ?? '').split(';')[0]!.trim();
    if (!(mediaType in content)) {
      throw new Error(`${where}: media type ${mediaType || '(none)'} is not among the documented ${Object.keys(content).join(', ')}`);
    }
    if (!/json/.test(mediaType) || !content[mediaType]!.schema) return;
    const ref = `openapi.json#/paths/${escape(route.template)}/${method.toLowerCase()}/responses/${statusKey}/content/${escape(mediaType)}/schema`;
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (!validate(body)) {
      const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`);
      throw new Error(`${where}: the body does not match the documented schema: ${problems.join('; ')}`);
    }
  }
}

const contracts = new Map<string, Promise<ResponseContract>>();

/** The contract of the service at `baseUrl`, read once from its `/api/docs-json`. */
export const responseContractOf = (baseUrl: string): Promise<ResponseContract> => {
  let contract = contracts.get(baseUrl);
  if (!contract) {
    contract = fetch(`${baseUrl}/api/docs-json`).then(async (r) => new ResponseContract((await r.json()) as Document));
    contracts.set(baseUrl, contract);
  }
  return contract;
};
