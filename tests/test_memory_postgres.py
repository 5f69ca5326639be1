"""The memory on PostgreSQL when the server goes away: clear errors, and nothing written is lost."""

from __future__ import annotations

from collections.abc import Iterator

import memory_postgres
import pytest

from translate.errors import TranslateError
from translate.memory import open_memory
from translate.memory.postgres import safe_url

SIG = "model-a"


@pytest.fixture
def cluster() -> Iterator[memory_postgres.Cluster]:
    """A private cluster, since these tests stop it."""
    try:
        private = memory_postgres.new_cluster()
    except (RuntimeError, OSError) as error:
        memory_postgres.unavailable(str(error))
    yield private
    private.remove()


def test_a_server_stopped_mid_use_is_a_clear_error_and_nothing_is_lost(cluster: memory_postgres.Cluster) -> None:
    memory = open_memory(cluster.url)
    memory.save_edit("قال الوزير اليوم.", "The minister said today.", editor="amal", signature=SIG, terms={})
    cluster.stop()
    for call in (
        lambda: memory.exact("قال الوزير اليوم.", signature=SIG, terms={}),
        lambda: memory.exact_many([("قال الوزير اليوم.", {})], signature=SIG),
        lambda: memory.fuzzy("قال الوزير اليوم في القاهرة."),
        lambda: memory.save_machine([("جملة.", "A sentence.", {})], signature=SIG),
        lambda: memory.save_edit("جملة.", "A sentence.", editor=None, signature=SIG, terms={}),
        memory.stats,
    ):
        with pytest.raises(TranslateError, match="translation memory postgresql://"):
            call()
    cluster.start()
    found = memory.exact("قال الوزير اليوم.", signature=SIG, terms={})  # reconnects by itself
    assert found is not None and found.editor == "amal"
    memory.close()


def test_an_unreachable_server_is_a_clear_error_at_start(cluster: memory_postgres.Cluster) -> None:
    cluster.stop()
    with pytest.raises(TranslateError, match="Cannot reach the translation memory postgresql://postgres@/postgres"):
        open_memory(cluster.url)


def test_a_password_never_appears_in_messages() -> None:
    assert safe_url("postgresql://news:s3cret@db.example:5433/khabar") == "postgresql://news@db.example:5433/khabar"
    with pytest.raises(TranslateError) as caught:
        open_memory("postgresql://news:s3cret@127.0.0.1:1/khabar?connect_timeout=1")
    assert "s3cret" not in str(caught.value) and "127.0.0.1:1/khabar" in str(caught.value)
