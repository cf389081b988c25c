//! Splits the app's Wasm at its `#[wasm_split]` functions (src/pages/later.rs): a main module
//! with what the first screens need, a module per split name with what only that name's
//! functions reach, chunks for code several of them share, and the JS that loads them
//! (`__wasm_split.js`). Run by `scripts/split-wasm`, before wasm-bindgen, on the Wasm as the
//! linker wrote it with `--emit-relocs`.
//!
//! usage: xiangqin-wasm-split INPUT.wasm OUT_DIR MAIN_OUT.wasm MAIN_JS
//! (MAIN_JS: how the loader imports wasm-bindgen's JS, e.g. `./xiangqin.js`.)
use std::{path::Path, process::ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, main_out, main_js] = args.as_slice() else {
        eprintln!("usage: xiangqin-wasm-split INPUT.wasm OUT_DIR MAIN_OUT.wasm MAIN_JS");
        return ExitCode::from(2);
    };
    let wasm = match std::fs::read(input) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = Path::new(out_dir);
    options.main_out_path = Path::new(main_out);
    options.main_module = main_js;
    options.link_name = "./__wasm_split.js";
    match wasm_split_cli_support::transform(options) {
        Ok(split) => {
            for module in &split.split_modules {
                println!("{}", module.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wasm-split: {e:#}");
            ExitCode::FAILURE
        }
    }
}
