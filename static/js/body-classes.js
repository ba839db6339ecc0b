// Classic script: load it as the first thing in <body> (not async/defer, not a module):
//   <body class="govuk-template__body"><script src="{% static 'js/body-classes.js' %}"></script>
// Same effect as GOV.UK Frontend's usual inline snippet, without needing 'unsafe-inline' or a nonce.
(function () {
  'use strict';
  var body = document.body;
  if (!body || !body.classList) return;
  body.classList.add('js-enabled');
  if ('noModule' in HTMLScriptElement.prototype) {
    body.classList.add('govuk-frontend-supported');
  }
})();
