// Starts the playground's UI: imports the JavaScript that wasm-bindgen generated for the `app`
// binary and instantiates its WebAssembly. Trunk would inline this as a <script>; as a file of
// its own it lets the page's Content-Security-Policy forbid inline scripts. Trunk.toml's
// `pattern_script` writes the <script> tag that loads it, with the two file names.
const tag = document.querySelector("script[data-wasm]");
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
