// Compiles every workspace's src/ to dist/ with swc (type-checking is `npm run typecheck`).
import { transformFile } from '@swc/core';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const swcrc = JSON.parse(await readFile(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (
      /\.ts$/.test(entry.name) &&
      !/\.(spec|int-spec|e2e-spec|int-support)\.ts$/.test(entry.name)
    )
      yield path;
  }
}

const started = Date.now();
let files = 0;
for (const group of ['libs', 'services']) {
  for (const name of await readdir(join(root, group))) {
    const pkg = join(root, group, name);
    const src = join(pkg, 'src');
    const dist = join(pkg, 'dist');
    await rm(dist, { recursive: true, force: true });
    for await (const file of sources(src)) {
      const out = join(dist, relative(src, file)).replace(/\.ts$/, '.js');
      const { code, map } = await transformFile(file, {
        ...swcrc,
        filename: file,
        swcrc: false,
        sourceMaps: true,
      });
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, `${code}\n//# sourceMappingURL=${out.split('/').pop()}.map`);
      if (map) await writeFile(`${out}.map`, map);
      files++;
    }
  }
}
console.log(`[build] ${files} files compiled in ${Date.now() - started} ms`);
