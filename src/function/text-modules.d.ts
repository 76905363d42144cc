/** Markdown files are bundled as strings (esbuild's `text` loader; a Jest transform in tests). */
declare module '*.md' {
  const content: string;
  export default content;
}
