// Turns a chat message's text into DOM nodes without ever parsing it as HTML: paragraphs, line breaks and
// links (Markdown [title](https://…) and bare https:// addresses). Anything else stays plain text.
"use strict";

const ChatText = (() => {
  // [title](http(s)://…) or a bare http(s) address; nothing else becomes a link.
  const LINK = /\[([^\]\n]{1,300})\]\((https?:\/\/[^\s()<>]+)\)|(https?:\/\/[^\s<>"']+)/g;
  // Punctuation that ends a sentence, not the address: "see https://x.be/a." links https://x.be/a
  const TRAILING = /[.,;:!?)\]]+$/;

  function safeUrl(candidate) {
    try {
      const url = new URL(candidate);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  function link(url, title, newWindowHint) {
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer";
    anchor.textContent = title;
    if (newWindowHint) {
      const hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = ` ${newWindowHint}`;
      anchor.append(hint);
    }
    return anchor;
  }

  // One line of text as text nodes and links.
  function inline(line, newWindowHint) {
    const nodes = [];
    let last = 0;
    for (const match of line.matchAll(LINK)) {
      let [whole] = match;
      const [, title, markdownUrl, bareUrl] = match;
      let url = markdownUrl;
      let shown = title;
      if (bareUrl) {
        whole = bareUrl.replace(TRAILING, "");
        url = whole;
        shown = whole;
      }
      const safe = safeUrl(url);
      if (!safe || !whole) continue;
      if (match.index > last) nodes.push(document.createTextNode(line.slice(last, match.index)));
      nodes.push(link(safe, shown, newWindowHint));
      last = match.index + whole.length;
    }
    if (last < line.length) nodes.push(document.createTextNode(line.slice(last)));
    return nodes;
  }

  // The whole message: blank lines separate paragraphs, single newlines become <br>.
  function render(text, newWindowHint) {
    const fragment = document.createDocumentFragment();
    const paragraphs = String(text || "").split(/\n{2,}/).filter((p) => p.trim() !== "");
    for (const paragraph of paragraphs) {
      const p = document.createElement("p");
      paragraph.split("\n").forEach((line, index) => {
        if (index > 0) p.append(document.createElement("br"));
        p.append(...inline(line, newWindowHint));
      });
      fragment.append(p);
    }
    return fragment;
  }

  return { render };
})();
