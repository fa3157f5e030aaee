// "Copy the link" on the tracking page. That page ships no WebAssembly, so this small script does it:
// it shows the button (hidden without JavaScript, when the link itself can be selected) and puts the
// link on the clipboard with one tap, saying so in the status line next to it.
(function () {
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var status = button.parentNode.querySelector('.copied');
    var text = button.getAttribute('data-copy');
    function done() {
      if (status) status.textContent = button.getAttribute('data-copied');
    }
    function fallback() {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      try {
        if (document.execCommand('copy')) done();
      } catch (e) {}
      document.body.removeChild(area);
    }
    button.hidden = false;
    button.addEventListener('click', function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
})();
