// An esbuild plugin for build.mjs: replaces src/catalog/precompiled-validators.ts with the built-in
// config schemas' validators as Ajv standalone code, generated here by
// src/catalog/standalone-validators.ts, so that no request compiles one (GenerativeJSON's compile
// held the event loop ~90 ms of CPU, 350 ms wall on a busy machine, in the first request using it).
import { build, transform } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function precompiledValidatorsPlugin() {
  // The generator bundled whole (Ajv included) runs from memory, wherever the build writes to.
  const generator = await build({
    absWorkingDir: root,
    entryPoints: ['src/catalog/standalone-validators.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const url = `data:text/javascript;base64,${Buffer.from(generator.outputFiles[0].contents).toString('base64')}`;
  const generated = (await import(url)).standaloneValidatorsModule();
  // Minified: GenerativeJSON's validators alone are ~290 KB of generated code, read at every start.
  const { code: contents } = await transform(generated, { minify: true, format: 'esm', target: 'node20' });
  return {
    name: 'precompiled-validators',
    setup(plugin) {
      plugin.onLoad({ filter: /[\\/]src[\\/]catalog[\\/]precompiled-validators\.ts$/ }, () => ({
        contents,
        loader: 'js',
        resolveDir: join(root, 'src/catalog'),
      }));
    },
  };
}
