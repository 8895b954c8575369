// Copy buttons beside read-only fields (client ID, client secret). The buttons stay
// hidden without script: the fields are still selectable by hand.
(() => {
  var status = document.getElementById('copy-status');
  var buttons = document.querySelectorAll('button[data-copy]');

  function copied(button, ok) {
    var name = button.getAttribute('data-copy-name') || 'Value';
    if (status) status.textContent = ok ? `${name} copied.` : 'Select the text and copy it by hand.';
    button.textContent = ok ? 'Copied' : 'Copy';
    setTimeout(() => {
      button.textContent = 'Copy';
    }, 2000);
  }

  function fallback(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }

  Array.prototype.forEach.call(buttons, (button) => {
    var input = document.getElementById(button.getAttribute('data-copy'));
    if (!input) return;
    button.hidden = false;
    button.addEventListener('click', () => {
      if (navigator.clipboard?.writeText) {
        navigator.clipboard.writeText(input.value).then(
          () => {
            copied(button, true);
          },
          () => {
            copied(button, fallback(input));
          },
        );
      } else {
        copied(button, fallback(input));
      }
    });
  });
})();
