// The SQL editor of the player and the playground, and the highlighting of code blocks in step
// text: CodeMirror 6 and its Lezer parsers, bundled by scripts/build-editor.mjs into
// editor/stepwise-editor.js, which the page loads on first use (src/editor.rs). Highlighting is
// styled by static/css/code.css through class names (`tok-*`); the editor's own theme below uses
// the page's colour variables, so light and dark follow the page.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { sql, SQLite } from '@codemirror/lang-sql';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, indentOnInput, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { Compartment, EditorState } from '@codemirror/state';
import { drawSelection, EditorView, keymap, placeholder } from '@codemirror/view';
import { classHighlighter, highlightCode } from '@lezer/highlight';

/** The editor's look, in the page's colours (custom properties of static/css/base.css). */
const theme = EditorView.theme({
  '&': { minHeight: '7.5rem', maxHeight: '50vh', backgroundColor: 'var(--card)', color: 'var(--fg)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5', overflow: 'auto' },
  '.cm-content': { padding: '0.5rem 0.25rem', caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 28%, transparent)',
  },
  '.cm-matchingBracket, &.cm-focused .cm-matchingBracket': {
    backgroundColor: 'color-mix(in srgb, var(--ok) 25%, transparent)',
    outline: '1px solid var(--ok)',
  },
  '.cm-nonmatchingBracket, &.cm-focused .cm-nonmatchingBracket': {
    backgroundColor: 'var(--bad-bg)',
    outline: '1px solid var(--bad)',
  },
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-tooltip': { border: '1px solid var(--line)', borderRadius: 'var(--radius)', backgroundColor: 'var(--card)', color: 'var(--fg)' },
  '.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--mono)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--accent-fg)' },
  '.cm-completionDetail': { color: 'var(--muted)', fontStyle: 'normal', marginLeft: '0.5rem' },
});

/**
 * Typing over a selection: left to the browser, it would keep the replaced text's colour as a
 * `style` attribute, which the page's Content-Security-Policy refuses (and reports). The editor
 * makes the change itself instead, through the same input handlers (closing brackets) a typed
 * character goes through.
 */
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    const { from, to } = view.state.selection.main;
    if (event.inputType !== 'insertText' || !event.data || from === to || view.composing) return false;
    event.preventDefault();
    const text = event.data;
    const insert = () => view.state.update(view.state.replaceSelection(text), { userEvent: 'input.type', scrollIntoView: true });
    if (!view.state.facet(EditorView.inputHandler).some((handler) => handler(view, from, to, text, insert))) {
      view.dispatch(insert());
    }
    return true;
  },
});

/** Statements kept in a box's history (newest last). */
const HISTORY_LIMIT = 50;

function loadHistory(key) {
  try {
    const list = JSON.parse(localStorage.getItem(`stepwise.history.${key}`) ?? '[]');
    return Array.isArray(list) ? list.filter((s) => typeof s === 'string').slice(-HISTORY_LIMIT) : [];
  } catch {
    return [];
  }
}

function saveHistory(key, list) {
  try {
    localStorage.setItem(`stepwise.history.${key}`, JSON.stringify(list.slice(-HISTORY_LIMIT)));
  } catch {
    // Storage full or refused: the history lasts as long as the page.
  }
}

/**
 * An SQL editor in `parent`.
 *
 * options: `doc` (the text), `id` and `labelledBy` (of the editable element, for tests and
 * screen readers), `historyKey` (where the statements run are remembered), `placeholder`,
 * `onRun(text)` (Ctrl/Cmd+Enter: the selection when there is one, else everything),
 * `onChange(text)`, `schema` ({table: [columns]}, for completion).
 */
export function createEditor(parent, options) {
  const language = new Compartment();
  const historyKey = options.historyKey ?? 'default';
  const runs = loadHistory(historyKey);
  // Where Ctrl+↑/↓ is in the history: runs.length means "the text being written".
  let cursor = runs.length;
  let draft = '';

  const sqlLanguage = (schema) => sql({ dialect: SQLite, schema: schema ?? {}, upperCaseKeywords: false });

  const replaceAll = (view, text) => {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: text.length } });
  };
  const run = (view) => {
    const { from, to } = view.state.selection.main;
    const text = from === to ? view.state.doc.toString() : view.state.sliceDoc(from, to);
    if (text.trim() === '') return true;
    handle.remember(text);
    options.onRun?.(text);
    return true;
  };
  const back = (view) => {
    if (cursor === 0) return true;
    if (cursor === runs.length) draft = view.state.doc.toString();
    cursor -= 1;
    replaceAll(view, runs[cursor]);
    return true;
  };
  const forward = (view) => {
    if (cursor >= runs.length) return true;
    cursor += 1;
    replaceAll(view, cursor === runs.length ? draft : runs[cursor]);
    return true;
  };

  const content = { 'aria-multiline': 'true', spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' };
  if (options.id) content.id = options.id;
  if (options.labelledBy) content['aria-labelledby'] = options.labelledBy;

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc ?? '',
      extensions: [
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion({ icons: false }),
        syntaxHighlighting(classHighlighter),
        language.of(sqlLanguage(options.schema)),
        placeholder(options.placeholder ?? ''),
        EditorView.lineWrapping,
        theme,
        typeOverSelection,
        EditorView.contentAttributes.of(content),
        keymap.of([
          { key: 'Mod-Enter', run, preventDefault: true },
          { key: 'Ctrl-ArrowUp', run: back, preventDefault: true },
          { key: 'Ctrl-ArrowDown', run: forward, preventDefault: true },
          ...closeBracketsKeymap,
          ...completionKeymap,
          ...historyKeymap,
          ...defaultKeymap,
        ]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange?.(update.state.doc.toString());
        }),
      ],
    }),
  });

  const handle = {
    get value() {
      return view.state.doc.toString();
    },
    set value(text) {
      if (text !== view.state.doc.toString()) replaceAll(view, text);
    },
    /** Adds a statement to the history (the last one is not repeated). */
    remember(text) {
      if (runs[runs.length - 1] !== text) runs.push(text);
      if (runs.length > HISTORY_LIMIT) runs.splice(0, runs.length - HISTORY_LIMIT);
      saveHistory(historyKey, runs);
      cursor = runs.length;
      draft = '';
    },
    /** The workspace's tables and their columns, for completion. */
    setSchema(schema) {
      view.dispatch({ effects: language.reconfigure(sqlLanguage(schema)) });
    },
    focus() {
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
  return handle;
}

const LANGUAGES = {
  sql: () => sql({ dialect: SQLite }).language.parser,
  sqlite: () => sql({ dialect: SQLite }).language.parser,
  yaml: () => yaml().language.parser,
  yml: () => yaml().language.parser,
  sh: () => StreamLanguage.define(shell).parser,
  shell: () => StreamLanguage.define(shell).parser,
  bash: () => StreamLanguage.define(shell).parser,
  console: () => StreamLanguage.define(shell).parser,
};
const parsers = new Map();

/** Highlights every `pre > code.language-…` below `root` in a language it knows, once. */
export function highlightWithin(root) {
  for (const code of root.querySelectorAll('pre > code[class*="language-"]')) {
    if (code.dataset.highlighted) continue;
    const lang = [...code.classList].find((c) => c.startsWith('language-'))?.slice('language-'.length);
    const make = LANGUAGES[lang?.toLowerCase()];
    if (!make) continue;
    if (!parsers.has(lang)) parsers.set(lang, make());
    const text = code.textContent;
    const tree = parsers.get(lang).parse(text);
    const out = document.createDocumentFragment();
    highlightCode(
      text,
      tree,
      classHighlighter,
      (piece, classes) => {
        if (classes) {
          const span = document.createElement('span');
          span.className = classes;
          span.textContent = piece;
          out.append(span);
        } else {
          out.append(piece);
        }
      },
      () => out.append('\n'),
    );
    code.replaceChildren(out);
    code.dataset.highlighted = 'yes';
  }
}
