/* mod_mocourts: comfort only; every page works without it.
 * A page restored from the browser's back/forward cache after Logoff must
 * not show an account's data: ask the server again, which knows the session
 * has ended. */
window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
        window.location.reload();
    }
});
