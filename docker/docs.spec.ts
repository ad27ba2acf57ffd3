import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { QUEUES } from '../shared/src/queues.ts';

// docs/configuration.md must say what the code does: the variables the bridge reads, the compose variables of the
// snippet, and the catalogue's thresholds.

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const ENV_NAME = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^[A-Z]{2,}$/;

/**
 * The variables bridge/src/config.ts reads: the keys of its `envSchema` object, plus any `env.FOO`,
 * `env['FOO']` or `process.env.FOO` it reads, so a variable read outside the schema is not missed either.
 */
function bridgeVariables(): string[] {
  const isEnv = (node: ts.Expression) => node.getText() === 'env' || node.getText() === 'process.env';
  const source = ts.createSourceFile('config.ts', read('bridge/src/config.ts'), ts.ScriptTarget.Latest, true);
  const names = new Set<string>();
  let schemaFound = false;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.name.getText() === 'envSchema' && node.initializer) {
      const call = node.initializer;
      const shape = ts.isCallExpression(call) ? call.arguments[0] : undefined;
      if (shape && ts.isObjectLiteralExpression(shape)) {
        schemaFound = true;
        for (const property of shape.properties) if (property.name) names.add(property.name.getText());
      }
    }
    if (ts.isPropertyAccessExpression(node) && isEnv(node.expression) && ENV_NAME.test(node.name.text)) {
      names.add(node.name.text);
    }
    if (ts.isElementAccessExpression(node) && isEnv(node.expression) && ts.isStringLiteral(node.argumentExpression)) {
      names.add(node.argumentExpression.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (!schemaFound)
    throw new Error('bridge/src/config.ts has no `const envSchema = z.object({...})`: update this test');
  return [...names].sort();
}

/** The backticked names in the first column of the tables under `heading`, up to the next `## ` heading. */
function documented(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/configuration.md has no "${heading}" heading`);
  const end = markdown.indexOf('\n## ', start + heading.length + 2);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|/gm)].map((match) => match[1]!);
}

const docs = read('docs/configuration.md');

describe('docs/configuration.md', () => {
  it('lists every variable the bridge reads, once, and none it does not read', () => {
    const listed = documented(docs, "## The bridge's variables");
    expect(listed.length).toBe(new Set(listed).size);
    expect([...listed].sort()).toEqual(bridgeVariables());
  });

  it("gives each queue the catalogue's title, threshold and concurrency", () => {
    const start = docs.indexOf('\n## Stuck thresholds\n');
    const section = docs.slice(start, docs.indexOf('\n## ', start + 1));
    const rows = [...section.matchAll(/^\|\s*`(\w+)`\s*\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|$/gm)].map((m) => ({
      name: m[1],
      title: m[2],
      thresholdSeconds: Number(m[3]),
      concurrency: Number(m[4]),
    }));
    expect(rows).toEqual(
      QUEUES.map(({ name, title, thresholdSeconds, concurrency }) => ({ name, title, thresholdSeconds, concurrency })),
    );
  });

  it('lists every compose variable of the snippet and of .env.example', () => {
    const compose = read('docker/docker-compose.yml');
    const example = read('docker/.env.example');
    const used = new Set([
      ...[...compose.matchAll(/\$\{(IMMICH_ADMIN_TOOLS_\w+)/g)].map((m) => m[1]!),
      ...[...example.matchAll(/^(IMMICH_ADMIN_TOOLS_\w+)=/gm)].map((m) => m[1]!),
    ]);
    const listed = documented(docs, '## Compose variables');
    expect(listed.length).toBe(new Set(listed).size);
    expect([...listed].sort()).toEqual([...used].sort());
  });
});
