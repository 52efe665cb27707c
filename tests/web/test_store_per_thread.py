"""The site keeps one store per thread (waitress keeps its threads) instead of opening one per request."""

import threading

from web.context import get_store


def test_requests_of_one_thread_share_one_store_and_threads_have_their_own(app):
    seen = []

    def store_of_a_request():
        with app.test_request_context("/"):
            seen.append(get_store())

    store_of_a_request()
    store_of_a_request()
    other = threading.Thread(target=store_of_a_request)
    other.start()
    other.join()
    assert seen[0] is seen[1] and seen[2] is not seen[0]
    assert seen[0].count() == seen[2].count() > 0


def test_a_page_after_a_failed_request_is_served_by_the_same_store(client, app):
    assert client.get("/ressources/inconnu").status_code == 404
    assert client.get("/").status_code == 200
