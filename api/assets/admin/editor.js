// Kronika · Redakcja: the article editor's enhancements. Without this module the form
// still works: `Treść` is a textarea of HTML and the address is made by the server.

const form = document.getElementById('formularz-artykulu');
const csrf = form ? form.querySelector('input[name="_csrf"]').value : '';

// ---------------------------------------------------------------------------------------
// Rich text: a toolbar over a contenteditable area, limited to what the body sanitiser
// keeps. Pasted HTML goes through the server's sanitiser before it is inserted.

const BLOCKS = [
  ['Akapit', 'P', 'formatBlock', 'p'],
  ['Śródtytuł', 'H2', 'formatBlock', 'h2'],
  ['Podtytuł', 'H3', 'formatBlock', 'h3'],
  ['Podtytuł niższy', 'H4', 'formatBlock', 'h4'],
  ['Pogrubienie', 'B', 'bold'],
  ['Kursywa', 'I', 'italic'],
  ['Lista punktowana', '• Lista', 'insertUnorderedList'],
  ['Lista numerowana', '1. Lista', 'insertOrderedList'],
  ['Cytat', '„Cytat”', 'formatBlock', 'blockquote'],
  ['Odnośnik', 'Link', 'link'],
  ['Usuń odnośnik', 'Bez linku', 'unlink'],
  ['Usuń formatowanie', 'Wyczyść', 'removeFormat'],
];

async function sanitise(html) {
  const response = await fetch('/admin/api/sanitize', {
    method: 'POST',
    headers: { 'content-type': 'text/html; charset=utf-8', 'x-csrf-token': csrf },
    body: html,
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(String(response.status));
  return response.text();
}

function richText(textarea) {
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const toolbar = document.createElement('div');
  toolbar.className = 'rich-toolbar';
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'Formatowanie treści');
  toolbar.setAttribute('aria-controls', `${textarea.id}-edytor`);

  const area = document.createElement('div');
  area.id = `${textarea.id}-edytor`;
  area.className = 'rich-area prose-editor';
  area.contentEditable = 'true';
  area.setAttribute('role', 'textbox');
  area.setAttribute('aria-multiline', 'true');
  if (label) {
    label.id = label.id || `${textarea.id}-etykieta`;
    label.setAttribute('for', area.id);
    area.setAttribute('aria-labelledby', label.id);
    textarea.setAttribute('aria-labelledby', label.id);
    label.addEventListener('click', () => area.focus());
  }
  const describedBy = textarea.getAttribute('aria-describedby');
  if (describedBy) area.setAttribute('aria-describedby', describedBy);
  if (textarea.getAttribute('aria-invalid')) area.setAttribute('aria-invalid', 'true');
  area.innerHTML = textarea.value;

  BLOCKS.forEach(([name, text, command, value], index) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = text;
    // The visible text is part of the name (WCAG 2.5.3), the full name follows it.
    button.setAttribute('aria-label', text === name ? name : `${text} ${name}`);
    button.title = name;
    button.tabIndex = index === 0 ? 0 : -1;
    button.addEventListener('mousedown', (event) => event.preventDefault());
    button.addEventListener('click', () => {
      area.focus();
      if (command === 'link') {
        const url = window.prompt('Adres odnośnika (np. https://www.gov.pl/):', 'https://');
        if (url && /^(https?:|mailto:|\/)/i.test(url.trim())) {
          document.execCommand('createLink', false, url.trim());
        }
      } else {
        document.execCommand(command, false, value);
      }
      sync();
    });
    toolbar.append(button);
  });

  // One Tab stop for the toolbar; arrows move between its buttons (WAI-ARIA toolbar).
  toolbar.addEventListener('keydown', (event) => {
    const buttons = [...toolbar.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement);
    let next = -1;
    if (event.key === 'ArrowRight') next = (at + 1) % buttons.length;
    if (event.key === 'ArrowLeft') next = (at - 1 + buttons.length) % buttons.length;
    if (event.key === 'Home') next = 0;
    if (event.key === 'End') next = buttons.length - 1;
    if (next >= 0) {
      event.preventDefault();
      buttons.forEach((button, index) => { button.tabIndex = index === next ? 0 : -1; });
      buttons[next].focus();
    }
  });

  area.addEventListener('paste', async (event) => {
    const html = event.clipboardData.getData('text/html');
    if (!html) return; // plain text: the browser inserts it as text
    event.preventDefault();
    try {
      document.execCommand('insertHTML', false, await sanitise(html));
    } catch {
      document.execCommand('insertText', false, event.clipboardData.getData('text/plain'));
    }
    sync();
  });

  function sync() {
    textarea.value = area.innerHTML;
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }
  area.addEventListener('input', sync);

  textarea.hidden = true;
  textarea.after(toolbar, area);
  return area;
}

// ---------------------------------------------------------------------------------------
// The address: made from the title as it is typed (for a new article), with a note when a
// published article's address changes.

const POLISH = { ą: 'a', ć: 'c', ę: 'e', ł: 'l', ń: 'n', ó: 'o', ś: 's', ź: 'z', ż: 'z' };

function slugify(title) {
  return title
    .toLowerCase()
    .replace(/[ąćęłńóśźż]/g, (letter) => POLISH[letter])
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)
    .replace(/-+$/, '');
}

function addressFollowsTitle() {
  const title = document.getElementById('tytul');
  const slug = document.getElementById('adres');
  const preview = document.getElementById('adres-podglad');
  const redirectNote = document.getElementById('adres-przekierowanie');
  if (!title || !slug) return;
  const isNew = !form.dataset.savedVersion;
  let followsTitle = isNew && (slug.value === '' || slug.value === slugify(title.value));
  const show = () => {
    if (preview) preview.textContent = slug.value ? `Adres: …/${slug.value}` : '';
    if (redirectNote) redirectNote.hidden = slug.value === redirectNote.dataset.publishedSlug;
  };
  title.addEventListener('input', () => {
    if (followsTitle) slug.value = slugify(title.value);
    show();
  });
  slug.addEventListener('input', () => { followsTitle = false; show(); });
  show();
}

// ---------------------------------------------------------------------------------------
// Autosave: unsaved work is copied to this browser every few seconds, so a closed tab or
// a lost connection loses nothing. The copy is offered back when the editor returns.

function autosave(area) {
  const key = `kronika-autosave-${form.dataset.autosaveKey}`;
  const status = document.getElementById('autozapis');
  const fields = () => {
    const data = {};
    for (const [name, value] of new FormData(form)) {
      if (name === '_csrf' || name === 'action' || name === 'version') continue;
      (data[name] ||= []).push(value);
    }
    return data;
  };
  const initial = JSON.stringify(fields());
  const time = () => new Date().toLocaleTimeString('pl-PL', { hour: '2-digit', minute: '2-digit' });

  const stored = (() => { try { return JSON.parse(localStorage.getItem(key)); } catch { return null; } })();
  if (stored && stored.version === (form.dataset.savedVersion || '') && JSON.stringify(stored.fields) !== initial) {
    const offer = document.createElement('div');
    offer.className = 'warning';
    offer.setAttribute('role', 'alert');
    offer.innerHTML = '<strong>Masz niezapisane zmiany z poprzedniej wizyty.</strong>';
    const restore = Object.assign(document.createElement('button'), { type: 'button', className: 'button button-small', textContent: 'Przywróć niezapisane zmiany' });
    const discard = Object.assign(document.createElement('button'), { type: 'button', className: 'button button-small', textContent: 'Odrzuć je' });
    const row = Object.assign(document.createElement('div'), { className: 'button-row' });
    row.append(restore, discard);
    offer.append(row);
    form.before(offer);
    restore.addEventListener('click', () => {
      for (const [name, values] of Object.entries(stored.fields)) {
        const inputs = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
        inputs.forEach((input) => {
          if (input.type === 'checkbox' || input.type === 'radio') input.checked = values.includes(input.value);
          else input.value = values[0] ?? '';
        });
      }
      form.querySelectorAll('input[name="tag"]').forEach((box) => { box.checked = (stored.fields.tag || []).includes(box.value); });
      if (area) area.innerHTML = document.getElementById('tresc').value;
      offer.remove();
      if (status) status.textContent = 'Przywrócono niezapisane zmiany. Zapisz, aby je zachować.';
      document.getElementById('tytul').focus();
    });
    discard.addEventListener('click', () => { localStorage.removeItem(key); offer.remove(); });
  }

  let timer = null;
  const save = () => {
    const now = fields();
    if (JSON.stringify(now) === initial) return;
    try {
      localStorage.setItem(key, JSON.stringify({ version: form.dataset.savedVersion || '', fields: now, at: Date.now() }));
      if (status) status.textContent = `Kopia robocza zapisana w tej przeglądarce o ${time()}.`;
    } catch {
      if (status) status.textContent = 'Nie można zapisać kopii roboczej w tej przeglądarce.';
    }
  };
  form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(save, 1500); });
  form.addEventListener('change', () => { clearTimeout(timer); timer = setTimeout(save, 1500); });
  form.addEventListener('submit', () => { clearTimeout(timer); localStorage.removeItem(key); });
}

if (form) {
  const textarea = form.querySelector('textarea[data-rich-text]');
  const area = textarea ? richText(textarea) : null;
  form.addEventListener('submit', () => { if (area) textarea.value = area.innerHTML; });
  addressFollowsTitle();
  autosave(area);
}

// A finding of the accessibility check points at the n-th element of the body (counted
// with the server's selector): select it in the editor so the editor sees the place.
const findings = document.getElementById('dostepnosc');
if (findings) {
  findings.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-place]');
    const area = document.getElementById('tresc-edytor');
    if (!link || !area) return;
    event.preventDefault();
    const place = area.querySelectorAll(findings.dataset.placeSelector)[Number(link.dataset.place)];
    area.focus();
    if (place) {
      place.scrollIntoView({ block: 'center' });
      const range = document.createRange();
      range.selectNodeContents(place);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
  });
}
