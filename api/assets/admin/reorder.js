// Kronika · Redakcja: putting a gallery's photos in order by dragging, or with the
// keyboard (arrow up and down on a row's handle, announced to screen readers). The new
// order is posted at once; the `W górę` / `W dół` forms do the same without this.

const list = document.querySelector('ul.sortable[data-order-url]');
const announce = document.querySelector('[data-announce]');

if (list) {
  const rows = () => [...list.children];
  const say = (text) => { if (announce) announce.textContent = text; };

  const save = async () => {
    const body = new URLSearchParams();
    for (const row of rows()) body.append('photo_id', row.dataset.id);
    try {
      const answer = await fetch(list.dataset.orderUrl, {
        method: 'POST',
        headers: { 'X-CSRF-Token': list.dataset.csrf, Accept: 'application/json' },
        body,
      });
      const result = await answer.json().catch(() => ({}));
      if (!answer.ok) say(result.message || 'Nie zapisano kolejności. Odśwież stronę.');
    } catch (_) {
      say('Brak połączenia: nie zapisano kolejności.');
    }
  };

  const moveTo = (row, index) => {
    const all = rows();
    const others = all.filter((other) => other !== row);
    list.insertBefore(row, others[index] || null);
    const position = rows().indexOf(row) + 1;
    say('Przeniesiono na pozycję ' + position + ' z ' + all.length);
    save();
  };

  for (const row of rows()) {
    const handle = row.querySelector('.handle');
    if (!handle) continue;
    handle.hidden = false;
    row.draggable = true;
    handle.addEventListener('keydown', (event) => {
      const index = rows().indexOf(row);
      if (event.key === 'ArrowUp' && index > 0) {
        event.preventDefault();
        moveTo(row, index - 1);
        handle.focus();
      } else if (event.key === 'ArrowDown' && index < rows().length - 1) {
        event.preventDefault();
        moveTo(row, index + 1);
        handle.focus();
      }
    });
    row.addEventListener('dragstart', (event) => {
      row.classList.add('is-dragging');
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData('text/plain', row.dataset.id);
    });
    row.addEventListener('dragend', () => {
      row.classList.remove('is-dragging');
      for (const other of rows()) other.classList.remove('is-target');
    });
    row.addEventListener('dragover', (event) => {
      event.preventDefault();
      row.classList.add('is-target');
    });
    row.addEventListener('dragleave', () => row.classList.remove('is-target'));
    row.addEventListener('drop', (event) => {
      event.preventDefault();
      row.classList.remove('is-target');
      const dragged = list.querySelector('li.is-dragging');
      if (dragged && dragged !== row) moveTo(dragged, rows().indexOf(row));
    });
  }
}
