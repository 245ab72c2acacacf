// esbuild loads .css files as text (scripts/build.mjs); this tells TypeScript so.
declare module '*.css' {
  const text: string;
  export default text;
}
