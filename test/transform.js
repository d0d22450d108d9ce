// Jest transformer: transpiles our TypeScript and the ES-module packages of NestJS 12 to
// CommonJS. Jest on Node 20 cannot require() an ES module, while Node itself can (that is
// how the built app loads them); type checking is left to `npm run build`.
const crypto = require('node:crypto');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2023,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  allowJs: true,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
};

module.exports = {
  getCacheKey(source, path) {
    return crypto.createHash('sha1').update(require('node:fs').readFileSync(__filename)).update(path).update(source).digest('hex');
  },
  process(source, path) {
    // import.meta is a syntax error in CommonJS; the packages only use it for their URL.
    // `const require = createRequire(import.meta.url)` would redeclare CommonJS's own.
    const text = source
      .replace(/^\s*const require = createRequire\(import\.meta\.url\);?$/m, '')
      .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href")
      // @nestjs/terminus also resolves optional packages and finds its protos with import.meta.
      .replace(/import\.meta\.resolve\(/g, 'require.resolve(')
      .replace(/import\.meta\.dirname/g, '__dirname');
    const { outputText } = ts.transpileModule(text, { compilerOptions, fileName: path });
    return { code: outputText };
  },
};
