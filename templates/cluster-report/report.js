// Watchkeeper cluster report: filters and search, offline. The page is complete without this
// script (everything shown, the filter bar hidden); with it, the filter bar appears and hides
// what does not match. It reads the page's data-* attributes and only toggles `hidden` and
// `open`: it never writes markup, so no cluster value can become code.
(() => {
  const form = document.getElementById('filters');
  if (!form) return;
  const field = (name) => form.elements.namedItem(name);
  const status = field('status');

  // Every filterable unit: a check (card or table row) or a change; rows inside a check card.
  const units = Array.from(document.querySelectorAll('[data-unit]')).map((element) => {
    const head = element.querySelector('summary');
    const rows = Array.from(element.querySelectorAll('[data-row]')).map((row) => ({
      element: row,
      ns: row.getAttribute('data-ns') || '',
      text: row.textContent.toLowerCase(),
    }));
    return {
      element,
      severity: element.getAttribute('data-sev') || '',
      responsibility: element.getAttribute('data-resp') || '',
      frameworks: (element.getAttribute('data-fw') || '').split(' '),
      namespaces: (element.getAttribute('data-ns') || '').split(' '),
      // A card is searched by its heading and its rows; a table row by its whole text.
      text: (head || element).textContent.toLowerCase(),
      rows,
      wasOpen: element.tagName === 'DETAILS' ? element.open : null,
    };
  });
  const groups = Array.from(document.querySelectorAll('[data-group]'));
  // Sections that hold units; one left with nothing to show is hidden while filters are set.
  const sections = Array.from(document.querySelectorAll('[data-section]')).filter(
    (section) => section.querySelector('[data-unit]') !== null,
  );
  let narrowed = false;

  function apply() {
    const severity = field('severity').value;
    const responsibility = field('responsibility').value;
    const framework = field('framework').value;
    const namespace = field('namespace').value;
    const query = field('q').value.trim().toLowerCase();
    const narrowing = namespace !== '' || query !== '';
    const active = narrowing || severity !== '' || responsibility !== '' || framework !== '';
    let shown = 0;

    for (const unit of units) {
      let visible =
        (severity === '' || unit.severity === severity) &&
        (responsibility === '' || unit.responsibility === responsibility) &&
        (framework === '' || unit.frameworks.includes(framework)) &&
        (namespace === '' || unit.namespaces.includes(namespace));
      const headMatches = query === '' || unit.text.includes(query);
      let rowsShown = 0;
      for (const row of unit.rows) {
        const rowVisible =
          visible && (namespace === '' || row.ns === namespace) && (headMatches || row.text.includes(query));
        row.element.hidden = !rowVisible;
        if (rowVisible) rowsShown += 1;
      }
      if (visible && !headMatches) visible = rowsShown > 0;
      unit.element.hidden = !visible;
      // Narrowing (namespace or search) opens the matching checks; clearing it restores them.
      if (unit.wasOpen !== null && narrowing && visible) unit.element.open = true;
      else if (unit.wasOpen !== null && narrowed && !narrowing) unit.element.open = unit.wasOpen;
      if (visible) shown += 1;
    }
    for (const group of groups) {
      group.hidden = group.querySelector('[data-unit]:not([hidden])') === null;
    }
    for (const section of sections) {
      section.hidden = active && section.querySelector('[data-unit]:not([hidden])') === null;
    }
    narrowed = narrowing;
    document.body.classList.toggle('filtered', active);
    status.value = active ? `Showing ${shown} of ${units.length} items` : `${units.length} items`;
  }

  let timer = 0;
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(apply, 120);
  });
  form.addEventListener('change', apply);
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('reset', () => setTimeout(apply, 0));

  // Printing shows every check expanded; the page returns to how it was afterwards.
  let before = [];
  window.addEventListener('beforeprint', () => {
    before = units.filter((unit) => unit.wasOpen !== null).map((unit) => [unit.element, unit.element.open]);
    for (const [element] of before) element.open = true;
  });
  window.addEventListener('afterprint', () => {
    for (const [element, open] of before) element.open = open;
    before = [];
  });

  // A link to a collapsed check opens it.
  function openTarget() {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (target && target.tagName === 'DETAILS') target.open = true;
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();

  form.hidden = false;
  apply();
})();
