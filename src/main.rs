//! Entry point: mounts the app. Everything else lives in the library (`lib.rs`).
fn main() {
    console_error_panic_hook::set_once();
    xiangqin::mount();
}
