//! Entry point of the playground's UI on the page's main thread (built by Trunk).

fn main() {
    aether::web::ui::start();
}
