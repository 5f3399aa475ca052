/* mod_mocourts: comfort only; every page works without it.
 * A page restored from the browser's back/forward cache after Logoff must
 * not show an account's data: ask the server again, which knows the session
 * has ended. */
window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
        window.location.reload();
    }
});

/* Document uploads (eFiling): a form marked data-upload, or holding the
 * <progress id="upload-progress"> element, is sent with XMLHttpRequest so the
 * progress element can show how much has gone. Without JavaScript (or without
 * XMLHttpRequest/FormData) the form posts as usual; the server's answers are
 * the same pages either way: a redirect to the documents page when the
 * document was added, else a page that says why. */
(function () {
    'use strict';

    function sizeWords(bytes) {
        var mb = bytes / (1024 * 1024);
        return (mb === Math.floor(mb) ? String(mb) : mb.toFixed(1)) + ' MB';
    }

    /* Show the server's page in place of this one (its own upload form is
     * made progressive again). */
    function showPage(html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        if (!doc || !doc.documentElement) {
            return false;
        }
        document.title = doc.title;
        document.replaceChild(document.importNode(doc.documentElement, true),
                              document.documentElement);
        bindUploads(document);
        window.scrollTo(0, 0);
        return true;
    }

    function attach(form) {
        var progress = form.querySelector('#upload-progress') || form.querySelector('progress');
        var status = form.querySelector('#upload-status');
        var busy = false;
        if (form.getAttribute('data-upload-bound')) {
            return;
        }
        form.setAttribute('data-upload-bound', '1');

        function say(text) {
            if (status) {
                status.textContent = text;
            }
        }

        function buttons(disabled) {
            var list = form.querySelectorAll('button, input[type="submit"]');
            for (var i = 0; i < list.length; i++) {
                list[i].disabled = disabled;
            }
        }

        form.addEventListener('submit', function (event) {
            var fileInput = form.querySelector('input[type="file"]');
            var file = fileInput && fileInput.files && fileInput.files[0];
            var max = parseInt(form.getAttribute('data-max-bytes') || '0', 10);
            var xhr;
            if (busy) {
                event.preventDefault();
                return;
            }
            /* Larger than the court takes: say so without sending it. The
             * server refuses it anyway (413), this only saves the wait. */
            if (file && max > 0 && file.size > max) {
                event.preventDefault();
                say('The document is larger than the court\'s limit of ' + sizeWords(max) +
                    '. Choose a smaller document.');
                return;
            }
            event.preventDefault();
            busy = true;
            buttons(true);
            xhr = new XMLHttpRequest();
            xhr.open('POST', form.action);
            if (progress) {
                progress.max = 100;
                progress.value = 0;
                progress.hidden = false;
                progress.removeAttribute('hidden');
            }
            say('Sending the document\u2026');
            xhr.upload.addEventListener('progress', function (e) {
                if (e.lengthComputable && progress) {
                    var pct = Math.floor(e.loaded * 100 / e.total);
                    progress.value = pct;
                    progress.textContent = pct + '%';
                    say('Sent ' + pct + '%');
                }
            });
            xhr.upload.addEventListener('load', function () {
                say('Sent; checking the document\u2026');
            });
            xhr.addEventListener('load', function () {
                var type = xhr.getResponseHeader('Content-Type') || '';
                busy = false;
                if (xhr.status >= 200 && xhr.status < 300) {
                    /* Added: the 303 was followed; go where it pointed (the
                     * documents page, which now lists the document). */
                    window.location.assign(xhr.responseURL || form.action);
                    return;
                }
                if (type.indexOf('text/html') === 0 && showPage(xhr.responseText)) {
                    return;
                }
                buttons(false);
                if (progress) {
                    progress.hidden = true;
                }
                say('The document was not added (the server answered ' + xhr.status +
                    '). Try again.');
            });
            xhr.addEventListener('error', function () {
                busy = false;
                buttons(false);
                if (progress) {
                    progress.hidden = true;
                }
                say('The upload did not complete: the connection was closed. A document ' +
                    'larger than the court\'s limit is refused this way; otherwise try again.');
            });
            xhr.send(new FormData(form));
        });
    }

    function bindUploads(root) {
        var forms, i;
        if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser) {
            return;
        }
        forms = root.querySelectorAll('form');
        for (i = 0; i < forms.length; i++) {
            if (forms[i].hasAttribute('data-upload') ||
                    forms[i].querySelector('#upload-progress')) {
                attach(forms[i]);
            }
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', function () {
            bindUploads(document);
        });
    } else {
        bindUploads(document);
    }
}());

/* The error summary's links (<a href="#field">): following one puts the
 * cursor in the field, not only the field on the screen. */
document.addEventListener('click', function (event) {
    var a = event.target.closest ? event.target.closest('.error a[href^="#"]') : null;
    var field = a ? document.getElementById(a.getAttribute('href').slice(1)) : null;
    if (field && typeof field.focus === 'function') {
        /* After the browser has followed the link (address, scroll). */
        window.setTimeout(function () { field.focus({preventScroll: true}); }, 0);
    }
});
