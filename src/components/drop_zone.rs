//! Dropping files anywhere on the page adds them to the library (on the class view, the class
//! reads them instead); an overlay says so while a file is dragged over the page.

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::DragEvent;
use yew::prelude::*;

use crate::hooks::{Route, current, navigate, use_library, use_route};

fn carries_files(event: &DragEvent) -> bool {
    event.data_transfer().is_some_and(|dt| dt.types().includes(&"Files".into(), 0))
}

/// Listens on the window for dragged files; shows the overlay while one is over the page.
#[component]
pub fn DropZone() -> Html {
    let (_, commands) = use_library();
    let on_class = use_route() == Route::Class;
    let over = use_state(|| false);
    {
        let set = over.setter();
        use_effect_with(commands, move |commands| {
            let commands = commands.clone();
            let depth = Rc::new(Cell::new(0_i32));
            let window = web_sys::window().expect("a page has a window");
            let active = EventListenerOptions::enable_prevent_default();
            let listeners = {
                let (depth_enter, depth_leave, depth_drop) = (depth.clone(), depth.clone(), depth);
                let (set_enter, set_leave, set_drop) = (set.clone(), set.clone(), set);
                [
                    EventListener::new_with_options(&window, "dragenter", active, move |event| {
                        let event: &DragEvent = event.unchecked_ref();
                        if carries_files(event) {
                            event.prevent_default();
                            depth_enter.set(depth_enter.get() + 1);
                            set_enter.set(true);
                        }
                    }),
                    EventListener::new_with_options(&window, "dragover", active, move |event| {
                        let event: &DragEvent = event.unchecked_ref();
                        if carries_files(event) {
                            event.prevent_default();
                            if let Some(dt) = event.data_transfer() {
                                dt.set_drop_effect("copy");
                            }
                        }
                    }),
                    EventListener::new(&window, "dragleave", move |_| {
                        depth_leave.set((depth_leave.get() - 1).max(0));
                        if depth_leave.get() == 0 {
                            set_leave.set(false);
                        }
                    }),
                    EventListener::new_with_options(&window, "drop", active, move |event| {
                        let event: &DragEvent = event.unchecked_ref();
                        depth_drop.set(0);
                        set_drop.set(false);
                        let Some(files) = event.data_transfer().and_then(|dt| dt.files()) else { return };
                        if files.length() == 0 {
                            return;
                        }
                        event.prevent_default();
                        // The class view reads dropped hand-ins itself, into memory.
                        if current() == Route::Class {
                            return;
                        }
                        navigate(&Route::Library);
                        for i in 0..files.length() {
                            if let Some(file) = files.get(i) {
                                commands.import_file(file);
                            }
                        }
                    }),
                ]
            };
            move || drop(listeners)
        });
    }
    html! {
        <div class={classes!("drop-overlay", (*over).then_some("visible"))} aria-hidden="true">
            <p>{ if on_class { "Drop the hand-ins to read them into the class" } else { "Drop the file to add it to your library" } }</p>
        </div>
    }
}
