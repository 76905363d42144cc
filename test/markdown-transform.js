/**
 * Jest transform: a Markdown file becomes a module exporting its text, by
 * esbuild's own `text` loader, the one that bundles it into the zip.
 */
const esbuild = require('esbuild');

module.exports = {
  process(source) {
    return { code: esbuild.transformSync(source, { loader: 'text', format: 'cjs' }).code };
  },
};
