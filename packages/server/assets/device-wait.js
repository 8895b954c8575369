// Waits for a decision on a device approval (server-sent events, falling back to
// polling) and then follows the redirect the server hands to this browser alone.
(() => {
  var status = document.getElementById('device-status');
  if (!status) return;
  var eventsUrl = status.getAttribute('data-events');
  var statusUrl = status.getAttribute('data-status');
  var finished = false;

  function settle(state, redirect) {
    if (finished) return;
    if (state === 'done' && redirect) {
      finished = true;
      status.textContent = 'Approved on your device. Continuing…';
      window.location.assign(redirect);
    } else if (state === 'expired') {
      finished = true;
      status.textContent = 'This request has expired. Reload the page to get a new code.';
    }
  }

  function poll() {
    if (finished) return;
    fetch(statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then((response) => response.json())
      .then((body) => {
        settle(body.state, body.redirect);
        if (!finished) setTimeout(poll, 2000);
      })
      .catch(() => {
        setTimeout(poll, 4000);
      });
  }

  if (!window.EventSource) return poll();
  var source = new EventSource(eventsUrl);
  source.addEventListener('decision', (event) => {
    var body = JSON.parse(event.data);
    source.close();
    settle(body.state, body.redirect);
  });
  source.onerror = () => {
    // the stream ends after a decision or when the server restarts: ask directly
    source.close();
    poll();
  };
})();
