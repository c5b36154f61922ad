//! The split itself: which functions move (the rules, then everything only they reach), the
//! primary module with stubs in their place, the secondary module with their bodies.

use std::collections::{BTreeSet, HashMap, HashSet};

use anyhow::{Context, Result, bail};
use walrus::ir::{UnaryOp, Value, Visitor, dfs_in_order};
use walrus::{
    ConstExpr, ElementItems, ElementKind, ExportItem, FunctionBuilder, FunctionId, FunctionKind, GlobalKind,
    ImportKind, ImportedFunction, Module, ModuleConfig, RefType, ValType,
};

use crate::rules::Rules;

/// The import module of the secondary: the primary's exports.
pub const PRIMARY: &str = "__stepwise_primary";
/// The import module of the primary's one new import, `load(slot)`.
pub const LOADER: &str = "__stepwise_split";
/// The primary's export of the table the secondary fills.
pub const TABLE: &str = "__stepwise_split_table";
/// The primary's export of the flag the loader sets once the secondary is in.
pub const LOADED: &str = "__stepwise_split_loaded";

pub struct Split {
    pub primary: Vec<u8>,
    pub secondary: Vec<u8>,
    /// The moved functions' names, by slot.
    pub moved: Vec<String>,
    /// Local functions of the input.
    pub functions: usize,
    /// Instructions of the input's functions, and of the moved ones (walrus's count).
    pub code: u64,
    pub moved_code: u64,
}

fn parse(wasm: &[u8]) -> Result<Module> {
    let mut config = ModuleConfig::new();
    config.generate_name_section(false).generate_producers_section(false);
    config.parse(wasm).context("not a wasm module walrus can read")
}

/// The functions a function's body names: calls, tail calls, `ref.func`.
fn callees(module: &Module, func: FunctionId) -> BTreeSet<FunctionId> {
    struct Named(BTreeSet<FunctionId>);
    impl<'i> Visitor<'i> for Named {
        fn visit_function_id(&mut self, function: &FunctionId) {
            self.0.insert(*function);
        }
    }
    let mut named = Named(BTreeSet::new());
    if let FunctionKind::Local(local) = &module.funcs.get(func).kind {
        dfs_in_order(&mut named, local, local.entry_block());
    }
    named.0
}

/// Functions a constant expression names (`ref.func` in a global's or a segment's initialiser).
fn const_functions(expr: &ConstExpr, out: &mut Vec<FunctionId>) {
    match expr {
        ConstExpr::RefFunc(f) => out.push(*f),
        ConstExpr::Extended(ops) => {
            for op in ops {
                if let walrus::ConstOp::RefFunc(f) = op {
                    out.push(*f);
                }
            }
        }
        _ => {}
    }
}

/// Which local functions move: those the rules name (unless they touch data segments, which
/// stay in the primary), then every function no longer reachable from the primary's roots
/// (exports, the start function, table segments, globals) through functions that stay.
fn choose(module: &Module, rules: &Rules) -> Result<BTreeSet<FunctionId>> {
    let mut named = 0;
    let mut moved = BTreeSet::new();
    for (id, local) in module.funcs.iter_local() {
        let Some(name) = module.funcs.get(id).name.as_deref() else { continue };
        named += 1;
        if rules.moves(name) && local.used_data_segments().is_empty() && local.size() >= rules.stay_below {
            moved.insert(id);
        }
    }
    if named == 0 {
        bail!("the module has no function names: build it with its name section (wasm-opt --debuginfo)");
    }

    let mut roots = Vec::new();
    for export in module.exports.iter() {
        if let ExportItem::Function(f) = export.item {
            roots.push(f);
        }
    }
    roots.extend(module.start);
    for element in module.elements.iter() {
        match &element.items {
            ElementItems::Functions(fs) => roots.extend(fs.iter().copied()),
            ElementItems::Expressions(_, exprs) => exprs.iter().for_each(|e| const_functions(e, &mut roots)),
        }
    }
    for global in module.globals.iter() {
        if let GlobalKind::Local(expr) = &global.kind {
            const_functions(expr, &mut roots);
        }
    }
    let mut reached: HashSet<FunctionId> = HashSet::new();
    let mut stack: Vec<FunctionId> = roots;
    while let Some(f) = stack.pop() {
        if !reached.insert(f) || moved.contains(&f) {
            continue;
        }
        stack.extend(callees(module, f));
    }
    for (id, local) in module.funcs.iter_local() {
        if !reached.contains(&id) && local.used_data_segments().is_empty() {
            moved.insert(id);
        }
    }
    Ok(moved)
}

/// Export names in the primary for the secondary's imports: short, as the primary downloads them.
fn export_name(kind: char, index: usize) -> String {
    format!("{kind}{index:x}")
}

pub fn split(wasm: &[u8], rules: &Rules) -> Result<Split> {
    let mut primary = parse(wasm)?;
    let moved = choose(&primary, rules)?;
    if moved.is_empty() {
        bail!("the rules move no function");
    }
    // A function's index in the arena is the same in the two parses of the same bytes: it names
    // the function across the primary and the secondary.
    let slots: Vec<FunctionId> = moved.iter().copied().collect();
    let mut needed: BTreeSet<FunctionId> = BTreeSet::new();
    for f in &slots {
        needed.extend(callees(&primary, *f).into_iter().filter(|c| !moved.contains(c)));
    }
    let functions = primary.funcs.iter_local().count();
    let code: u64 = primary.funcs.iter_local().map(|(_, l)| l.size()).sum();
    let moved_code: u64 = slots.iter().map(|f| primary.funcs.get(*f).kind.unwrap_local().size()).sum();
    let names: Vec<String> =
        slots.iter().map(|f| primary.funcs.get(*f).name.clone().unwrap_or_else(|| format!("{f:?}"))).collect();

    // The primary: what the secondary imports, exported; the split table, the flag, the loader.
    for memory in primary.memories.iter().map(|m| m.id()).collect::<Vec<_>>() {
        primary.exports.add(&export_name('m', memory.index()), memory);
    }
    for table in primary.tables.iter().map(|t| t.id()).collect::<Vec<_>>() {
        primary.exports.add(&export_name('t', table.index()), table);
    }
    for global in primary.globals.iter().map(|g| g.id()).collect::<Vec<_>>() {
        primary.exports.add(&export_name('g', global.index()), global);
    }
    for f in &needed {
        primary.exports.add(&export_name('f', f.index()), *f);
    }
    let count = slots.len() as u64;
    let table = primary.tables.add_local(false, count, Some(count), RefType::FUNCREF);
    primary.exports.add(TABLE, table);
    let loaded = primary.globals.add_local(ValType::I32, true, false, ConstExpr::Value(Value::I32(0)));
    primary.exports.add(LOADED, loaded);
    let load_type = primary.types.add(&[ValType::I32], &[]);
    let (load, _) = primary.add_import_func(LOADER, "load", load_type);
    for (slot, f) in slots.iter().enumerate() {
        let ty = primary.funcs.get(*f).ty();
        let (params, results) = {
            let t = primary.types.get(ty);
            (t.params().to_vec(), t.results().to_vec())
        };
        let args: Vec<_> = params.iter().map(|p| primary.locals.add(*p)).collect();
        let mut builder = FunctionBuilder::new(&mut primary.types, &params, &results);
        let slot = i32::try_from(slot).context("too many functions to move")?;
        let mut body = builder.func_body();
        body.global_get(loaded).unop(UnaryOp::I32Eqz).if_else(
            None,
            |then| {
                then.i32_const(slot).call(load);
            },
            |_| {},
        );
        for arg in &args {
            body.local_get(*arg);
        }
        body.i32_const(slot).call_indirect(ty, table);
        let stub = builder.local_func(args);
        primary.funcs.get_mut(*f).kind = FunctionKind::Local(stub);
    }

    // The secondary: the same module with everything but the moved functions turned into
    // imports from the primary, no data, no exports, and one segment filling the split table.
    let mut secondary = parse(wasm)?;
    for id in secondary.exports.iter().map(|e| e.id()).collect::<Vec<_>>() {
        secondary.exports.delete(id);
    }
    secondary.start = None;
    for id in secondary.data.iter().map(|d| d.id()).collect::<Vec<_>>() {
        secondary.data.delete(id);
    }
    for memory in secondary.memories.iter_mut() {
        memory.data_segments.clear();
    }
    for id in secondary.elements.iter().map(|e| e.id()).collect::<Vec<_>>() {
        secondary.elements.delete(id);
    }
    for id in secondary.memories.iter().map(|m| m.id()).collect::<Vec<_>>() {
        let name = export_name('m', id.index());
        match secondary.memories.get(id).import {
            Some(import) => repoint(&mut secondary, import, name),
            None => {
                let import = secondary.imports.add(PRIMARY, &name, ImportKind::Memory(id));
                secondary.memories.get_mut(id).import = Some(import);
            }
        }
    }
    for id in secondary.tables.iter().map(|t| t.id()).collect::<Vec<_>>() {
        let name = export_name('t', id.index());
        match secondary.tables.get(id).import {
            Some(import) => repoint(&mut secondary, import, name),
            None => {
                let import = secondary.imports.add(PRIMARY, &name, ImportKind::Table(id));
                secondary.tables.get_mut(id).import = Some(import);
            }
        }
        let table = secondary.tables.get_mut(id);
        table.init = None;
        table.elem_segments.clear();
    }
    for id in secondary.globals.iter().map(|g| g.id()).collect::<Vec<_>>() {
        let name = export_name('g', id.index());
        match secondary.globals.get(id).kind {
            GlobalKind::Import(import) => repoint(&mut secondary, import, name),
            GlobalKind::Local(_) => {
                let import = secondary.imports.add(PRIMARY, &name, ImportKind::Global(id));
                secondary.globals.get_mut(id).kind = GlobalKind::Import(import);
            }
        }
    }
    // Ids carry their arena's identity: the two parses' functions meet by index.
    let moved_index: HashSet<usize> = slots.iter().map(|f| f.index()).collect();
    let by_index: HashMap<usize, FunctionId> = secondary.funcs.iter().map(|f| (f.id().index(), f.id())).collect();
    let secondary_slots: Vec<FunctionId> = slots.iter().map(|f| by_index[&f.index()]).collect();
    let kept: Vec<FunctionId> =
        secondary.funcs.iter().map(|f| f.id()).filter(|f| !moved_index.contains(&f.index())).collect();
    for id in kept {
        let name = export_name('f', id.index());
        let ty = secondary.funcs.get(id).ty();
        let imported = match &secondary.funcs.get(id).kind {
            FunctionKind::Import(imported) => Some(imported.import),
            _ => None,
        };
        match imported {
            Some(import) => repoint(&mut secondary, import, name),
            _ => {
                let import = secondary.imports.add(PRIMARY, &name, ImportKind::Function(id));
                secondary.funcs.get_mut(id).kind = FunctionKind::Import(ImportedFunction { import, ty });
            }
        }
    }
    let (split_table, _) = secondary.add_import_table(PRIMARY, TABLE, false, count, Some(count), RefType::FUNCREF);
    let segment = secondary.elements.add(
        ElementKind::Active { table: split_table, offset: ConstExpr::Value(Value::I32(0)) },
        ElementItems::Functions(secondary_slots),
    );
    secondary.tables.get_mut(split_table).elem_segments.insert(segment);
    walrus::passes::gc::run(&mut secondary);

    Ok(Split {
        primary: primary.emit_wasm(),
        secondary: secondary.emit_wasm(),
        moved: names,
        functions,
        code,
        moved_code,
    })
}

/// Makes an import of the input an import of the primary's export `name` (which re-exports it).
fn repoint(module: &mut Module, import: walrus::ImportId, name: String) {
    let import = module.imports.get_mut(import);
    import.module = PRIMARY.to_owned();
    import.name = name;
}
