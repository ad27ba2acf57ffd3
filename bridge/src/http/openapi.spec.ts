import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { createApp } from './app.ts';
import type { Deps } from './deps.ts';
import { openApiDocument } from './openapi.ts';

const FULL = 'full-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';

/**
 * The real app (middleware, routes, validators, error handler) over services that must never be reached:
 * these tests are about matching and validating requests only. Once armed, any service a handler touches
 * throws, so a request that passes validation ends in a 500 (or a route's own 502), never in a 400.
 */
function validatingApp() {
  let armed = false;
  const service: object = new Proxy(
    {},
    {
      get: () => {
        if (armed) throw new Error('a handler was reached');
        // Building the app only subscribes to the snapshot and history services.
        return () => {};
      },
    },
  );
  const known: Partial<Deps> = { tokens: { full: FULL, read: READ }, metricsToken: null, pollIntervalMs: 1000 };
  const deps = new Proxy(known, {
    get: (target, key) => (key in target ? target[key as keyof Deps] : service),
  }) as Deps;
  const app = createApp(deps, createLogger('silent'));
  armed = true;
  return app;
}

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
}
interface Parameter {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  responses: Record<string, unknown>;
}

const document = openApiDocument();
const app = validatingApp();

const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ method, path, op })),
);

/** A value of the schema's type, for fields nothing more is said of. */
function sample(schema: Schema): unknown {
  if (schema.anyOf) return sample(schema.anyOf[0]!);
  if (schema.format === 'uuid') return randomUUID();
  if (schema.format === 'date-time') return new Date().toISOString();
  if (schema.type === 'string') return 'a1';
  if (schema.type === 'integer' || schema.type === 'number') return 1;
  if (schema.type === 'boolean') return true;
  if (schema.type === 'array') return [];
  return {};
}

/** Values the document says the schema accepts: its default and the edges of its ranges. */
function accepted(schema: Schema): unknown[] {
  const values: unknown[] = [...(schema.enum ?? [])];
  if (schema.default !== undefined) values.push(schema.default);
  if (schema.minimum !== undefined) values.push(schema.minimum);
  if (schema.maximum !== undefined) values.push(schema.maximum);
  if (schema.exclusiveMinimum !== undefined) values.push(schema.exclusiveMinimum + 1);
  if (schema.maxLength !== undefined) values.push('x'.repeat(schema.maxLength));
  if (schema.format === 'uuid') values.push(randomUUID());
  if (schema.type === 'array' && schema.items && schema.maxItems !== 0) values.push([sample(schema.items)]);
  values.push(...(schema.anyOf ?? []).map(sample));
  if (schema.type === 'boolean') values.push(true, false);
  return values;
}

/** Values the document says the schema refuses: just past each edge, off the pattern, of another type. */
function refused(schema: Schema, inUrl: boolean): unknown[] {
  const values: unknown[] = [];
  if (schema.enum) values.push('none-of-these');
  if (schema.minimum !== undefined) values.push(schema.minimum - 1);
  if (schema.maximum !== undefined) values.push(schema.maximum + 1);
  if (schema.exclusiveMinimum !== undefined) values.push(schema.exclusiveMinimum);
  if (schema.type === 'integer') values.push(1.5);
  if (schema.maxLength !== undefined) values.push('x'.repeat(schema.maxLength + 1));
  if (schema.format === 'uuid') values.push('not-a-uuid');
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    values.push(['-x', '!', 'x'.repeat(300)].find((candidate) => !pattern.test(candidate)));
  }
  if (schema.minItems) values.push([]);
  if (schema.maxItems !== undefined && schema.items) {
    values.push(Array.from({ length: schema.maxItems + 1 }, () => sample(schema.items!)));
  }
  // In a URL everything is a string; in a JSON body a value of the wrong type is refused.
  if (!inUrl) {
    const wrongType: Record<string, unknown> = { string: 1, integer: 'x', number: 'x', boolean: 'yes', array: 'x' };
    if (typeof schema.type === 'string' && schema.type in wrongType) values.push(wrongType[schema.type]);
    if (schema.type === 'object' && schema.properties === undefined) values.push('x');
  }
  return values;
}

interface Case {
  what: string;
  path: string;
  body?: unknown;
  valid: boolean;
}

/** Requests the document calls valid or invalid for one operation: one parameter or body field off at a time. */
function cases(path: string, op: Operation): Case[] {
  const params = op.parameters ?? [];
  const pathValues = Object.fromEntries(
    params.filter((p) => p.in === 'path').map((p) => [p.name, String(sample(p.schema))]),
  );
  const url = (pathOverride: Record<string, string> = {}, query: Record<string, string> = {}) => {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(pathOverride[name] ?? pathValues[name]!),
    );
    const search = new URLSearchParams(query).toString();
    return search ? `${filled}?${search}` : filled;
  };
  const bodySchema = op.requestBody?.content['application/json'].schema;
  const properties = Object.entries(bodySchema?.properties ?? {});
  const base = bodySchema
    ? Object.fromEntries(
        properties
          .filter(([name]) => bodySchema.required?.includes(name))
          .map(([name, schema]) => [name, accepted(schema)[0] ?? sample(schema)]),
      )
    : undefined;

  const list: Case[] = [{ what: 'as documented', path: url(), body: base, valid: true }];
  for (const param of params) {
    const at = (value: unknown) =>
      param.in === 'path' ? url({ [param.name]: String(value) }) : url({}, { [param.name]: String(value) });
    for (const value of accepted(param.schema)) {
      list.push({ what: `${param.name}=${String(value)}`, path: at(value), body: base, valid: true });
    }
    for (const value of refused(param.schema, true)) {
      list.push({ what: `${param.name}=${String(value)}`, path: at(value), body: base, valid: false });
    }
  }
  if (bodySchema) {
    const fields: [string, Schema][] = [...properties];
    if (typeof bodySchema.additionalProperties === 'object') fields.push(['anyKey', bodySchema.additionalProperties]);
    for (const [name, schema] of fields) {
      for (const value of accepted(schema)) {
        list.push({
          what: `body.${name}=${JSON.stringify(value)}`,
          path: url(),
          body: { ...base, [name]: value },
          valid: true,
        });
      }
      for (const value of refused(schema, false)) {
        const shown = JSON.stringify(value).slice(0, 40);
        list.push({ what: `body.${name}=${shown}`, path: url(), body: { ...base, [name]: value }, valid: false });
      }
    }
    if (bodySchema.additionalProperties === false) {
      list.push({ what: 'body.unexpected', path: url(), body: { ...base, unexpected: 1 }, valid: false });
    }
  }
  return list;
}

const request = (method: string, path: string, token: string | null, body?: unknown) =>
  app.request(path, {
    method: method.toUpperCase(),
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('the OpenAPI document', () => {
  it('describes every route the app serves, and no other', () => {
    const served = new Set(
      app.routes
        .filter((route) => route.method !== 'ALL') // middleware (`use`)
        .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(documented.sort()).toEqual([...served].sort());
  });

  it('names the path parameters of each path', () => {
    for (const { path, op } of operations) {
      const named = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(named, path).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
    }
  });

  it('documents 401 where a request without a token is refused, 403 where the read-only token is', async () => {
    for (const { method, path, op } of operations) {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'assetId' ? randomUUID() : 'a1'));
      const anonymous = await request(method, url, null);
      expect(anonymous.status === 401, `${method} ${path} without a token`).toBe('401' in op.responses);
      // The event stream's handler runs after the answer, where a stopped service would only print a stack.
      if (method === 'get' && path === '/api/events') continue;
      const reader = await request(method, url, READ);
      expect(reader.status === 403, `${method} ${path} with the read-only token`).toBe('403' in op.responses);
      if (reader.status === 403) expect(await reader.json()).toMatchObject({ error: { code: 'READ_ONLY_TOKEN' } });
    }
  });

  describe('takes as valid and invalid what the routes do', () => {
    for (const { method, path, op } of operations.filter(({ op }) => op.parameters?.length || op.requestBody)) {
      it(`${method.toUpperCase()} ${path}`, async () => {
        const wrong: string[] = [];
        for (const c of cases(path, op)) {
          const res = await request(method, c.path, FULL, c.body);
          if ((res.status === 400) === c.valid)
            wrong.push(`${c.what}: documented ${c.valid ? 'valid' : 'invalid'}, got ${res.status}`);
        }
        expect(wrong).toEqual([]);
      });
    }
  });
});

describe('GET /api/openapi.json', () => {
  it('serves the document to either token, with an ETag', async () => {
    expect((await request('get', '/api/openapi.json', null)).status).toBe(401);
    const res = await request('get', '/api/openapi.json', READ);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(document)));
    const again = await app.request('/api/openapi.json', {
      headers: { authorization: `Bearer ${FULL}`, 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });
});
