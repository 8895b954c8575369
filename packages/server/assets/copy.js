// Copy buttons beside read-only fields (client ID, client secret). The buttons stay
// hidden without script: the fields are still selectable by hand.
(function () {
  var status = document.getElementById('copy-status');
  var buttons = document.querySelectorAll('button[data-copy]');

  function copied(button, ok) {
    var name = button.getAttribute('data-copy-name') || 'Value';
    if (status) status.textContent = ok ? name + ' copied.' : 'Select the text and copy it by hand.';
    button.textContent = ok ? 'Copied' : 'Copy';
    setTimeout(function () { button.textContent = 'Copy'; }, 2000);
  }

  function fallback(input) {
    input.focus();
    input.select();
    try { return document.execCommand('copy'); } catch (e) { return false; }
  }

  Array.prototype.forEach.call(buttons, function (button) {
    var input = document.getElementById(button.getAttribute('data-copy'));
    if (!input) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(
          function () { copied(button, true); },
          function () { copied(button, fallback(input)); }
        );
      } else {
        copied(button, fallback(input));
      }
    });
  });
})();
