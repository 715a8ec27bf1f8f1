// The playground's code editor: CodeMirror 6 with Python highlighting, the analysis's
// diagnostics as underlines, gutter markers and hover cards, and quick-fix actions.
//
// esbuild bundles this file (build.mjs) into one same-origin module that defines
// `globalThis.AetherEditor`; the Yew UI drives it through `src/web/ui/code_editor.rs`. Positions
// cross the boundary as the analysis counts them, 1-based lines and columns in characters
// (Unicode scalar values); this file turns them into CodeMirror's UTF-16 offsets, so emoji and
// CJK text above a finding do not shift its underline. Every text that comes from the user or
// the analysis reaches the DOM as text nodes (`textContent`), never as HTML.

import { autocompletion, closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  HighlightStyle,
  bracketMatching,
  foldGutter,
  foldKeymap,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorSelection, EditorState } from "@codemirror/state";
import {
  EditorView,
  crosshairCursor,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";

// Colours come from the page's CSS variables (www/style.css), so one style serves both themes.
const highlightStyle = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword], color: "var(--syntax-keyword)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--syntax-string)" },
  { tag: [tags.number, tags.bool, tags.null], color: "var(--syntax-number)" },
  { tag: tags.comment, color: "var(--syntax-comment)", fontStyle: "italic" },
  { tag: [tags.function(tags.definition(tags.variableName)), tags.function(tags.variableName)], color: "var(--syntax-function)" },
  { tag: [tags.definition(tags.className), tags.className], color: "var(--syntax-class)" },
  { tag: [tags.self, tags.special(tags.variableName)], color: "var(--syntax-self)" },
  { tag: [tags.operator, tags.punctuation], color: "var(--syntax-operator)" },
  { tag: tags.invalid, color: "var(--error)" },
]);

const pageTheme = EditorView.theme({
  "&": { height: "100%", color: "var(--text)", backgroundColor: "var(--editor-bg)" },
  ".cm-content": { caretColor: "var(--text)", fontFamily: "var(--mono)" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "var(--line-height)" },
  ".cm-gutters": { backgroundColor: "var(--gutter-bg)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine": { backgroundColor: "var(--active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--active-line)", color: "var(--text)" },
  "&.cm-focused .cm-cursor": { borderLeftColor: "var(--text)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "var(--selection) !important" },
  ".cm-tooltip": { backgroundColor: "var(--panel-bg)", color: "var(--text)", border: "1px solid var(--border)" },
  ".cm-panels": { backgroundColor: "var(--panel-bg)", color: "var(--text)" },
});

/** The UTF-16 offset of a 1-based `{row, column}` (column in characters), clamped to the text. */
function offsetOf(doc, location) {
  if (location.row < 1) return 0;
  if (location.row > doc.lines) return doc.length;
  const line = doc.line(location.row);
  let offset = 0;
  let characters = location.column - 1;
  for (const character of line.text) {
    if (characters-- <= 0) break;
    offset += character.length;
  }
  return line.from + offset;
}

/** The 1-based `{row, column}` (column in characters) of a UTF-16 offset. */
function locationOf(doc, offset) {
  const line = doc.lineAt(offset);
  return { row: line.number, column: [...line.text.slice(0, offset - line.from)].length + 1 };
}

/** An element holding `text` as a text node (never parsed as HTML). */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const SEVERITIES = { error: "error", warning: "warning", info: "info" };

/** Each mounted editor, by the element it fills. */
const mounted = new WeakMap();

class Editor {
  /** The editor mounted in `parent` (for the browser tests and the console). */
  static of(parent) {
    return mounted.get(parent);
  }

  /**
   * @param parent the element the editor fills
   * @param doc the initial text
   * @param hooks `changed()`: the text changed; `showRule(code)`: open a rule's explanation;
   *   `showFix(index)`: preview the fix of the diagnostic at `index` of the last
   *   `setDiagnostics` list
   * @param label what screen readers announce for the text area
   */
  constructor(parent, doc, hooks, label) {
    this.hooks = hooks;
    this.theme = new Compartment();
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          lintGutter(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          dropCursor(),
          EditorState.allowMultipleSelections.of(true),
          indentOnInput(),
          indentUnit.of("    "),
          syntaxHighlighting(highlightStyle),
          bracketMatching(),
          closeBrackets(),
          autocompletion(),
          rectangularSelection(),
          crosshairCursor(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          keymap.of([
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...searchKeymap,
            ...historyKeymap,
            ...foldKeymap,
            ...lintKeymap,
            indentWithTab,
          ]),
          python(),
          pageTheme,
          this.theme.of(EditorView.darkTheme.of(false)),
          EditorView.contentAttributes.of({ "aria-label": label, "data-testid": "editor" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) this.hooks.changed();
          }),
        ],
      }),
    });
    mounted.set(parent, this);
  }

  /** The whole text. */
  text() {
    return this.view.state.doc.toString();
  }

  /** Replaces the whole text (one undoable change) and puts the cursor at the start. */
  setText(text) {
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: text },
      selection: { anchor: 0 },
      scrollIntoView: true,
    });
  }

  /** Shows the analysis's diagnostics (the `aether::Diagnostic` list as JSON text). */
  setDiagnostics(json) {
    const diagnostics = JSON.parse(json);
    const doc = this.view.state.doc;
    const marks = diagnostics.map((diagnostic, index) => {
      const from = offsetOf(doc, diagnostic.location);
      const to = Math.max(from, offsetOf(doc, diagnostic.end_location));
      return {
        from,
        to,
        severity: SEVERITIES[diagnostic.severity] ?? "info",
        message: `${diagnostic.code} ${diagnostic.message}`,
        renderMessage: () => this.card(diagnostic),
        actions: diagnostic.fix
          ? [{ name: "Show fix…", apply: () => this.hooks.showFix(index) }]
          : [],
      };
    });
    this.view.dispatch(setDiagnostics(this.view.state, marks));
  }

  /** The hover card of a diagnostic: code and name, message, and a link to its rule. */
  card(diagnostic) {
    const card = element("div", "cm-aether-card");
    const head = element("div", "cm-aether-card-head");
    head.append(element("strong", "cm-aether-code", diagnostic.code), " ", element("span", "cm-aether-name", diagnostic.name));
    const link = element("a", "cm-aether-rule", `Explain ${diagnostic.code}`);
    link.href = `#rule=${encodeURIComponent(diagnostic.code)}`;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      this.hooks.showRule(diagnostic.code);
    });
    card.append(head, element("p", "cm-aether-message", diagnostic.message), link);
    return card;
  }

  /** Selects `from`..`to` (1-based locations), scrolls it to the middle and focuses the editor. */
  select(from, to) {
    const doc = this.view.state.doc;
    const anchor = offsetOf(doc, from);
    const head = Math.max(anchor, offsetOf(doc, to));
    this.view.dispatch({
      selection: EditorSelection.single(anchor, head),
      effects: EditorView.scrollIntoView(anchor, { y: "center" }),
    });
    this.view.focus();
  }

  /** The cursor's 1-based location. */
  cursor() {
    return locationOf(this.view.state.doc, this.view.state.selection.main.head);
  }

  /**
   * Applies the text edits of a fix (`{content, location, end_location}`, positions in the
   * current text) as one undoable change.
   */
  applyEdits(edits) {
    const doc = this.view.state.doc;
    const changes = edits.map((edit) => ({
      from: offsetOf(doc, edit.location),
      to: offsetOf(doc, edit.end_location),
      insert: edit.content,
    }));
    this.view.dispatch({ changes, scrollIntoView: true });
    this.view.focus();
  }

  /** Follows the page's theme (CodeMirror picks some default colours by it). */
  setDark(dark) {
    this.view.dispatch({ effects: this.theme.reconfigure(EditorView.darkTheme.of(dark)) });
  }

  focus() {
    this.view.focus();
  }

  destroy() {
    this.view.destroy();
  }
}

globalThis.AetherEditor = { Editor };
