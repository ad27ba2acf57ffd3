/** Screenshots for reviewers, under the repo's git-ignored test-output/<folder>/. */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

export async function shot(target: Page | Locator, folder: string, name: string): Promise<string> {
  const dir = fileURLToPath(new URL(`../../test-output/${folder}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  const path = `${dir}${name}.png`;
  await target.screenshot({ path });
  return path;
}
