//! The split of a small module built here: which functions move, what each part imports and
//! exports, and that both parts are valid wasm.

use walrus::ir::{BinaryOp, Value};
use walrus::{ConstExpr, FunctionBuilder, FunctionId, ImportKind, Module, ModuleConfig, ValType};

use crate::rules::Rules;
use crate::split::{LOADED, LOADER, PRIMARY, TABLE, split};

/// `run` (exported) calls `text::format` and `shared::inc`; `text::format` calls `only::double`
/// and `shared::inc`. Returns the module and the ids of inc, double, format.
fn module() -> (Vec<u8>, [usize; 3]) {
    let mut m = Module::with_config(ModuleConfig::new());
    let memory = m.memories.add_local(false, false, 1, None, None);
    m.exports.add("memory", memory);
    let counter = m.globals.add_local(ValType::I32, true, false, ConstExpr::Value(Value::I32(0)));
    let function =
        |m: &mut Module, name: &str, body: &dyn Fn(&mut walrus::InstrSeqBuilder, walrus::LocalId)| -> FunctionId {
            let x = m.locals.add(ValType::I32);
            let mut b = FunctionBuilder::new(&mut m.types, &[ValType::I32], &[ValType::I32]);
            body(&mut b.func_body(), x);
            let id = b.finish(vec![x], &mut m.funcs);
            m.funcs.get_mut(id).name = Some(name.to_owned());
            id
        };
    let inc = function(&mut m, "shared::inc", &|b, x| {
        b.local_get(x).i32_const(1).binop(BinaryOp::I32Add);
    });
    let double = function(&mut m, "only::double", &|b, x| {
        b.local_get(x).local_get(x).binop(BinaryOp::I32Add);
    });
    let format = function(&mut m, "text::format", &|b, x| {
        b.global_get(counter).i32_const(1).binop(BinaryOp::I32Add).global_set(counter);
        b.local_get(x).call(double).call(inc);
    });
    let run = function(&mut m, "run", &|b, x| {
        b.local_get(x).call(format).local_get(x).call(inc).binop(BinaryOp::I32Add);
    });
    m.exports.add("run", run);
    let _ = (inc, double, format);
    let wasm = m.emit_wasm();
    // Indices as a parse of the bytes numbers them (emitting reorders functions).
    let parsed = ModuleConfig::new().parse(&wasm).unwrap();
    let index = |name: &str| parsed.funcs.by_name(name).unwrap().index();
    let ids = [index("shared::inc"), index("only::double"), index("text::format")];
    (wasm, ids)
}

fn valid(bytes: &[u8]) {
    wasmparser::Validator::new().validate_all(bytes).expect("valid wasm");
}

#[test]
fn moves_the_named_function_and_what_only_it_calls() {
    let (wasm, [inc, double, format]) = module();
    let out = split(&wasm, &Rules::parse("move text::\n").unwrap()).unwrap();
    let mut moved = out.moved.clone();
    moved.sort();
    assert_eq!(moved, ["only::double", "text::format"]);
    valid(&out.primary);
    valid(&out.secondary);

    let primary = ModuleConfig::new().parse(&out.primary).unwrap();
    let exports: Vec<&str> = primary.exports.iter().map(|e| e.name.as_str()).collect();
    for name in [TABLE, LOADED, "run", &format!("f{inc:x}")] {
        assert!(exports.contains(&name), "{name} in {exports:?}");
    }
    // The moved functions are called from the secondary only: the primary does not export them.
    assert!(!exports.contains(&format!("f{double:x}").as_str()));
    assert!(!exports.contains(&format!("f{format:x}").as_str()));
    let imports: Vec<(&str, &str)> = primary.imports.iter().map(|i| (i.module.as_str(), i.name.as_str())).collect();
    assert_eq!(imports, [(LOADER, "load")]);
    assert!(primary.funcs.iter().all(|f| f.name.is_none()), "no names emitted");

    let secondary = ModuleConfig::new().parse(&out.secondary).unwrap();
    assert_eq!(secondary.exports.iter().count(), 0);
    assert_eq!(secondary.data.iter().count(), 0);
    let mut imported: Vec<String> = secondary.imports.iter().map(|i| format!("{}.{}", i.module, i.name)).collect();
    imported.sort();
    assert_eq!(imported, [format!("{PRIMARY}.{TABLE}"), format!("{PRIMARY}.f{inc:x}"), format!("{PRIMARY}.g0")]);
    assert_eq!(secondary.funcs.iter_local().count(), 2);
    let segment = secondary.elements.iter().next().expect("one segment");
    assert!(matches!(&segment.items, walrus::ElementItems::Functions(fs) if fs.len() == 2));
    assert!(secondary.imports.iter().any(|i| matches!(i.kind, ImportKind::Table(_))));
    // The memory is the primary's too, when a moved function touches it (here none does).
    assert!(!secondary.imports.iter().any(|i| matches!(i.kind, ImportKind::Memory(_))));
}

#[test]
fn refuses_a_module_without_names_and_rules_that_move_nothing() {
    let (wasm, _) = module();
    let stripped = {
        let mut m = ModuleConfig::new().parse(&wasm).unwrap();
        m.funcs.iter_mut().for_each(|f| f.name = None);
        m.emit_wasm()
    };
    let error = split(&stripped, &Rules::parse("move text::\n").unwrap()).err().unwrap();
    assert!(error.to_string().contains("no function names"), "{error}");
    let error = split(&wasm, &Rules::parse("move nothing::here\n").unwrap()).err().unwrap();
    assert_eq!(error.to_string(), "the rules move no function");
}
