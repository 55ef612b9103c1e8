"""Each role's main pages on the demo data, for the walks over every page: what the menu
links to, plus a measure page and (for a curator) an execution page with the report form."""

from __future__ import annotations

import re

# Latin words that may stand on a page: file formats, proper names, Roman numerals (periods
# «I полугодие»). Everything else in Latin letters is a code or an untranslated text.
LATIN_ALLOWED = {"XLSX", "PDF", "DOCX", "JPG", "PNG", "SWOT", "Excel", "Word", "e-mail"}
ROMAN = re.compile(r"^[IVX]+$")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_\-]*[A-Za-z_]|[A-Za-z]")

# The texts a person reads: visible text nodes, every <option> of a visible list, the names
# of buttons and labels; not attribute values; not what is marked translate="no" (logins).
# A file input the browser draws itself (its button says «Choose Files») counts as that text.
VISIBLE_TEXT_JS = """() => {
  const out = [];
  const shown = (el) => el && el.checkVisibility({visibilityProperty: true, opacityProperty: true});
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, template, [translate="no"], select')) continue;
    if (shown(el) && node.textContent.trim()) out.push(node.textContent);
  }
  document.querySelectorAll('select').forEach((select) => {
    if (shown(select) && !select.closest('[translate="no"]'))
      select.querySelectorAll('option').forEach((o) => out.push(o.textContent));
  });
  document.querySelectorAll('input[type=submit], input[type=button]').forEach((b) => {
    if (shown(b)) out.push(b.value);
  });
  document.querySelectorAll('input[type=file]').forEach((input) => {
    const box = input.getBoundingClientRect();
    if (shown(input) && box.width > 2 && box.height > 2) out.push('Choose Files');
  });
  return out.join('\\n');
}"""


def latin_words(page) -> set[str]:
    text = page.evaluate(VISIBLE_TEXT_JS)
    return {
        word
        for word in LATIN_WORD.findall(text)
        if word not in LATIN_ALLOWED and not ROMAN.match(word)
    }


def main_pages(page) -> list[str]:
    """The pages the signed-in user's menu leads to (the admin site aside), the first measure
    page, and for a curator the first execution page (the report form)."""
    page.goto("/")
    links = page.eval_on_selector_all("nav a[href]", "els => els.map(e => e.getAttribute('href'))")
    pages = [page.evaluate("location.pathname")]
    pages += [href for href in links if href.startswith("/") and not href.startswith("/admin/")]
    measure = page.locator("a[href^='/roadmaps/measures/']").first
    if measure.count():
        pages.append(measure.get_attribute("href"))
    page.goto("/roadmaps/my/")
    execution = page.locator("a[href^='/roadmaps/executions/']").first
    if execution.count():
        pages.append(execution.get_attribute("href"))
    return list(dict.fromkeys(path for path in pages if path.startswith("/")))
