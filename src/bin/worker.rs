//! Entry point of the playground's analysis worker (built by Trunk as a module worker).

fn main() {
    wasm_bindgen_futures::spawn_local(aether::web::agent::run());
}
