// Run first thing in <body> (not deferred): marks the page as having JavaScript,
// and NHS.UK frontend's components as supported, before anything is drawn.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
