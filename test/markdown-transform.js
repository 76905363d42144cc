/** Jest transform: a Markdown file becomes a module exporting its text (as esbuild's `text` loader does). */
module.exports = {
  process(source) {
    return { code: `module.exports = ${JSON.stringify(source)};` };
  },
};
