import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// No YAML parser is a direct dependency; eslint brings js-yaml (through @eslint/eslintrc). Tests only.
const fromEslint = createRequire(createRequire(import.meta.url).resolve('eslint/package.json'));
const jsYaml = createRequire(fromEslint.resolve('@eslint/eslintrc/package.json'))('js-yaml') as {
  load(text: string): unknown;
};

/** Parses a YAML file of the repository (compose file, workflow). */
export function loadYaml<T>(url: URL): T {
  return jsYaml.load(readFileSync(url, 'utf8')) as T;
}
