"""Responses to a signed-in user are never cached."""

PRIVATE_NO_STORE = "private, no-store"


class PrivateNoStoreMiddleware:
    """Nothing sent to a signed-in user stays in a browser's or a proxy's cache.

    Every page shows at least the user's own name, and most show people's data — the registry,
    reports and their files, consent scans, exports, the records behind a figure; school
    computers are shared. So every response to a signed-in user — pages, exports, files,
    redirects and refusals alike — carries ``Cache-Control: private, no-store`` unless its view
    set a Cache-Control of its own. A list of views to protect would miss the next one; this
    way a new view is protected without anyone remembering to. ``no-store`` also keeps the page
    out of the back/forward cache: after «Выйти» the Back button shows nothing.

    Static files never reach this middleware: WhiteNoise, above it, answers them with its own
    long-lived caching. Anonymous responses (the login page, health checks) are left alone.
    Place it after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response
