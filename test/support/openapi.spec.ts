import { describe, expect, it } from '@jest/globals';
import { ResponseContract } from './openapi.js';

/** The response check the HTTP tests run on every call: it must be able to fail. */
describe('holding responses to the OpenAPI document', () => {
  const contract = new ResponseContract({
    paths: {
      '/api/things/{id}': {
        get: {
          responses: {
            '200': {
              content: {
                'application/json': {
                  schema: { type: 'object', required: ['id', 'count'], properties: { id: { type: 'string' }, count: { type: 'integer', nullable: true } } },
                },
                'text/csv': {},
              },
            },
            '404': { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
          },
        },
      },
      '/api/things/special': { get: { responses: { '204': {} } } },
    },
    components: { schemas: { Problem: { type: 'object', required: ['status'], properties: { status: { type: 'integer' } } } } },
  } as never);

  it('passes what the document says, nullable fields and other media types included', () => {
    expect(() => contract.check('GET', '/api/things/a?x=1', 200, 'application/json; charset=utf-8', { id: 'a', count: null })).not.toThrow();
    expect(() => contract.check('GET', '/api/things/a', 200, 'text/csv', 'id;count')).not.toThrow();
    expect(() => contract.check('GET', '/api/things/a', 404, 'application/problem+json', { status: 404 })).not.toThrow();
    expect(() => contract.check('GET', '/api/things/special', 204, null, '')).not.toThrow();
    expect(() => contract.check('GET', '/api/unknown', 500, 'text/html', '<p>')).not.toThrow();
  });

  it('fails an undocumented status, media type or body shape, saying which', () => {
    expect(() => contract.check('GET', '/api/things/a', 409, 'application/json', {})).toThrow(/does not list this status/);
    expect(() => contract.check('GET', '/api/things/a', 200, 'text/html', '<p>')).toThrow(/media type text\/html/);
    expect(() => contract.check('GET', '/api/things/a', 200, 'application/json', { id: 'a', count: 1.5 })).toThrow(/\/count must be integer/);
    expect(() => contract.check('GET', '/api/things/a', 200, 'application/json', { id: 'a' })).toThrow(/must have required property 'count'/);
    expect(() => contract.check('GET', '/api/things/a', 404, 'application/problem+json', { title: 'x' })).toThrow(/status/);
  });
});
