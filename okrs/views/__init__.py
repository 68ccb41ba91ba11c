"""OKR and results pages, one module per capability. Thin: check permission,
call a selector or an action, render."""
