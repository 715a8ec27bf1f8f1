# validation: A small Markdown-to-HTML rendering module with module-level options (safe mode, heading offset) that callers override for a single render call, used by a web app's request threads to render comments and wiki pages.
# source: written blind from a description (holdout batch, 2026-12-05)
# mode: library
import html
import re

OPTIONS = {"escape_html": True, "heading_offset": 0, "link_target": None}
renders = 0


def _heading(line):
    level = len(line) - len(line.lstrip("#"))
    level = min(6, level + OPTIONS["heading_offset"])  # RACE[a]: reads an offset another thread's override may have installed
    return f"<h{level}>{line[level - OPTIONS['heading_offset']:].strip()}</h{level}>"  # RACE[a]: second read can see a different offset than the first


def _inline(text):
    if OPTIONS["escape_html"]:  # RACE[a]: a comment may be rendered with another request's escape_html=False
        text = html.escape(text)
    target = OPTIONS["link_target"]  # RACE[a]: link target leaks from a concurrent override
    attr = f' target="{target}"' if target else ""
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", rf'<a href="\2"{attr}>\1</a>', text)


def render(source):
    global renders
    renders += 1  # RACE[b]: global render counter updated with += from every request thread
    out = []
    for line in source.splitlines():
        if not line.strip():
            continue
        out.append(_heading(line) if line.startswith("#") else f"<p>{_inline(line)}</p>")
    return "\n".join(out)


def render_with(source, **overrides):
    saved = {key: OPTIONS[key] for key in overrides}  # RACE[a]: may save another thread's temporary override as the "old" value
    OPTIONS.update(overrides)  # RACE[a]: module-wide options changed for every thread, not just this call
    try:
        return render(source)
    finally:
        OPTIONS.update(saved)  # RACE[a]: restores values over a concurrent caller's overrides, or leaves its overrides in place


if __name__ == "__main__":
    comment = "Nice post <script>alert(1)</script> see [docs](/docs)"
    print(render(comment))
    wiki = "# Install\nRun the [installer](/dl) as <b>admin</b>"
    print(render_with(wiki, escape_html=False, heading_offset=1, link_target="_blank"))
    assert OPTIONS == {"escape_html": True, "heading_offset": 0, "link_target": None}
    assert "&lt;script&gt;" in render(comment)
    print("renders:", renders)
