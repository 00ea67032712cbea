// Kronika · Redakcja: what every page does with JavaScript. Everything here enhances a
// page that works without it.

document.documentElement.classList.add('js');

// Under ~768 px the navigation folds behind a menu button.
const toggle = document.querySelector('.menu-toggle');
const nav = document.getElementById('nawigacja');
if (toggle && nav) {
  toggle.hidden = false;
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('is-open', open);
  });
}

// A form that failed comes back with its error summary focused, so that a screen reader
// reads it first and the keyboard starts from it.
const summary = document.querySelector('[data-focus-on-load]');
if (summary) {
  summary.focus();
}

// Destructive buttons ask first, naming what will happen (data-confirm="…").
document.addEventListener('submit', (event) => {
  const button = event.submitter;
  const message = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
