/** An AssemblyScript file compiled by build/assemblyscript.ts: its WebAssembly module as base64. */
declare module '*?wasm' {
  const base64: string;
  export default base64;
}
