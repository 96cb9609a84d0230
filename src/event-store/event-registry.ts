import { z } from 'zod';
import { InvalidEventError } from './errors.js';
import type { EventMetadata, NewEvent, RecordedEvent } from './event-store.js';
import type { EventTypeDefinition } from '../shared/event-definition.js';

const isoDateTime = z.iso.datetime({ offset: true });

export const eventMetadataSchema = z.strictObject({
  eventId: z.uuid(),
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200),
  actor: z.string().min(1).max(200),
  actorName: z.string().max(200).optional(),
  role: z.string().min(1).max(50),
  occurredAt: isoDateTime,
  schemaVersion: z.number().int().positive(),
  idempotencyKey: z.string().max(200).optional(),
}) satisfies z.ZodType<EventMetadata>;

const describeIssues = (error: z.ZodError): string[] => error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);

/**
 * Knows every event type's current schema and how to bring old versions up to it.
 * Writes are checked against the current schema; reads are upcast, then checked.
 */
export class EventRegistry {
  private readonly definitions = new Map<string, EventTypeDefinition>();

  register(...definitions: EventTypeDefinition<string, any>[]): this {
    for (const definition of definitions) {
      if (this.definitions.has(definition.type)) {
        throw new Error(`event type ${definition.type} is registered twice`);
      }
      for (let v = 1; v < definition.schemaVersion; v++) {
        if (!definition.upcasters?.[v]) {
          throw new Error(`event type ${definition.type} has no upcaster from version ${v}`);
        }
      }
      this.definitions.set(definition.type, definition);
    }
    return this;
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  currentVersion(type: string): number {
    return this.definitionOf(type).schemaVersion;
  }

  /** Throws InvalidEventError unless the event matches its type's current schema. */
  checkForWrite(event: NewEvent): void {
    const definition = this.definitionOf(event.type);
    const issues: string[] = [];
    const metadata = eventMetadataSchema.safeParse(event.metadata);
    if (!metadata.success) issues.push(...describeIssues(metadata.error).map((i) => `metadata.${i}`));
    else if (event.metadata.schemaVersion !== definition.schemaVersion) {
      issues.push(`metadata.schemaVersion: ${event.metadata.schemaVersion} is not the current ${definition.schemaVersion}`);
    }
    const data = definition.schema.safeParse(event.data);
    if (!data.success) issues.push(...describeIssues(data.error).map((i) => `data.${i}`));
    if (issues.length > 0) throw new InvalidEventError(event.type, issues);
  }

  /** Upcasts a recorded event to its type's current version and checks it. */
  decode<E extends RecordedEvent>(event: E): E {
    const definition = this.definitionOf(event.type);
    let data = event.data;
    let version = event.metadata.schemaVersion;
    while (version < definition.schemaVersion) {
      data = definition.upcasters![version]!(data);
      version++;
    }
    if (version > definition.schemaVersion) {
      throw new InvalidEventError(event.type, [`schema version ${version} is newer than this code knows`]);
    }
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new InvalidEventError(event.type, describeIssues(parsed.error));
    return { ...event, data: parsed.data, metadata: { ...event.metadata, schemaVersion: version } };
  }

  private definitionOf(type: string): EventTypeDefinition {
    const definition = this.definitions.get(type);
    if (!definition) throw new InvalidEventError(type, ['unknown event type']);
    return definition;
  }
}
