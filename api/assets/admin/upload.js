// Kronika · Redakcja: uploading photos. The form posts every file at once and works
// without this; here the files are dropped or picked and sent one request each, with a
// progress bar per file and a clear message for a refused file while the others go on.

for (const form of document.querySelectorAll('form[data-upload]')) {
  const input = form.querySelector('input[type=file]');
  const list = form.querySelector('.upload-list');
  const token = form.dataset.csrf;
  const galleryField = form.querySelector('input[name=gallery_id]');
  let queue = Promise.resolve();
  let added = 0;
  let refused = 0;

  const send = (file) => new Promise((resolve) => {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = file.name;
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', 'Wysyłanie ' + file.name);
    item.append(name, bar);
    list.append(item);

    const say = (ok, text, href) => {
      if (!ok) refused += 1;
      bar.remove();
      const message = document.createElement('p');
      message.className = ok ? 'upload-done' : 'upload-error';
      message.textContent = (ok ? '' : 'Nie przyjęto: ') + text + ' ';
      if (href) {
        const link = document.createElement('a');
        link.href = href;
        link.textContent = 'Opisz zdjęcie';
        message.append(link);
      }
      item.append(message);
      resolve();
    };

    const data = new FormData();
    if (galleryField) data.append('gallery_id', galleryField.value);
    data.append('files', file, file.name);
    const request = new XMLHttpRequest();
    request.open('POST', form.action);
    request.setRequestHeader('X-CSRF-Token', token);
    request.setRequestHeader('Accept', 'application/json');
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
    });
    request.addEventListener('load', () => {
      let answer = null;
      try { answer = JSON.parse(request.responseText); } catch (_) { /* not JSON */ }
      if (answer && answer.ok) {
        added += 1;
        say(true, answer.message, answer.url);
      } else if (answer && answer.message) {
        say(false, answer.message);
      } else if (request.status === 403 || request.responseURL.includes('/admin/login')) {
        say(false, 'Sesja wygasła albo strona jest nieaktualna. Odśwież stronę i spróbuj ponownie.');
      } else if (request.status === 413) {
        say(false, 'Plik jest za duży.');
      } else {
        say(false, 'Nie udało się wysłać pliku (błąd ' + request.status + ').');
      }
    });
    request.addEventListener('error', () => say(false, 'Brak połączenia z serwerem. Spróbuj ponownie.'));
    request.send(data);
  });

  // One file after another: a gallery gets them in the order chosen.
  const sendAll = (files) => {
    for (const file of files) queue = queue.then(() => send(file));
    queue = queue.then(() => {
      if (added === 0 || !galleryField) return;
      // The gallery shows its new photos after a reload; keep refusals on screen.
      if (refused === 0) {
        window.location.reload();
      } else {
        const item = document.createElement('li');
        const link = document.createElement('a');
        link.href = window.location.pathname;
        link.textContent = 'Pokaż galerię z nowymi zdjęciami';
        item.append(link);
        list.append(item);
      }
    });
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    sendAll([...input.files]);
    input.value = '';
  });
  input.addEventListener('change', () => {
    sendAll([...input.files]);
    input.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    form.addEventListener(type, (event) => {
      event.preventDefault();
      form.classList.add('is-over');
    });
  }
  form.addEventListener('dragleave', (event) => {
    if (!form.contains(event.relatedTarget)) form.classList.remove('is-over');
  });
  form.addEventListener('drop', (event) => {
    event.preventDefault();
    form.classList.remove('is-over');
    sendAll([...event.dataTransfer.files].filter((file) => file.type.startsWith('image/') || file.type === ''));
  });
}
