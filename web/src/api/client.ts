import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../../contract/api';
import { currentSession, setSession } from '../auth/session.js';
import { currentLanguage } from '../i18n/language.js';
import { ApiError, type Problem } from './api-error.js';

/**
 * The API, typed from the service's own OpenAPI document (`contract/api.d.ts`, made by `npm run
 * contract`): a route or a field that changes there stops this app from compiling.
 */
export type Schemas = components['schemas'];
export { ApiError, type FieldError, type Problem } from './api-error.js';

const authenticate: Middleware = {
  onRequest({ request }) {
    const session = currentSession();
    if (session) request.headers.set('Authorization', `Bearer ${session.token}`);
    request.headers.set('Accept-Language', currentLanguage());
    return request;
  },
  onResponse({ response }) {
    // An expired or withdrawn token: back to the sign-in page, which says why.
    if (response.status === 401 && currentSession()) setSession(null);
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '' });
api.use(authenticate);

/** The data of an openapi-fetch answer, or an ApiError with its problem details. */
export const data = async <T>(answer: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> => {
  const { data: body, error, response } = await answer;
  if (error !== undefined || body === undefined) {
    const problem = (error ?? { type: 'about:blank', title: response.statusText, status: response.status, code: 'HTTP.UNEXPECTED' }) as Problem;
    throw new ApiError(response.status, problem);
  }
  return body;
};
