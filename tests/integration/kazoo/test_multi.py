"""multi (transactions) and multiRead: results, atomic failure, check op, shared zxid."""
import pytest
from kazoo.exceptions import BadVersionError, NoNodeError, RolledBackError

import jute
from jute import ERR, OP


def test_transaction_commits_all_ops(kz, test_path):
    c = kz()
    c.create(test_path + "/x", b"0")
    t = c.transaction()
    t.create(test_path + "/a", b"1")
    t.set_data(test_path + "/x", b"2")
    t.check(test_path + "/x", 1)
    t.create(test_path + "/s-", sequence=True)
    t.delete(test_path + "/a")
    res = t.commit()
    assert res[0] == test_path + "/a"
    assert res[1].version == 1
    assert res[2] is True
    assert res[3] == test_path + "/s-0000000002"
    assert res[4] is True
    assert c.exists(test_path + "/a") is None
    assert c.get(test_path + "/x")[0] == b"2"


def test_transaction_failure_rolls_back_everything(kz, test_path):
    c = kz()
    c.create(test_path + "/x", b"0")
    t = c.transaction()
    t.create(test_path + "/a")
    t.set_data(test_path + "/x", b"changed", version=5)
    t.create(test_path + "/b")
    res = t.commit()
    assert isinstance(res[0], RolledBackError)
    assert isinstance(res[1], BadVersionError)
    assert type(res[2]).__name__ == "RuntimeInconsistency"
    assert c.exists(test_path + "/a") is None and c.exists(test_path + "/b") is None
    assert c.get(test_path + "/x") == (b"0", c.get(test_path + "/x")[1])
    assert c.get(test_path + "/x")[1].version == 0


def test_transaction_check_failure_on_missing_node(kz, test_path):
    c = kz()
    t = c.transaction()
    t.check(test_path + "/missing", 0)
    t.create(test_path + "/a")
    res = t.commit()
    assert isinstance(res[0], NoNodeError)
    assert c.exists(test_path + "/a") is None


def multi_raw(r, ops):
    err, body, zxid = r.call(OP["multi"], jute.multi_req(ops))
    return err, jute.parse_multi_response(body), body.remaining(), zxid


def test_multi_failure_encoding_zero_code_minus_two(raw, test_path):
    r = raw()
    ops = [(OP["create"], jute.create_req(test_path + "/a")),
           (OP["create"], jute.create_req(test_path + "/b")),
           (OP["delete"], jute.delete_req(test_path + "/missing")),
           (OP["setData"], jute.set_data_req(test_path, b"x")),
           (OP["check"], jute.check_req(test_path, 0))]
    err, results, left, _ = multi_raw(r, ops)
    assert err == 0 and left == 0
    assert results == [(-1, 0, 0), (-1, 0, 0), (-1, ERR["NONODE"], ERR["NONODE"]),
                       (-1, -2, -2), (-1, -2, -2)]


def test_multi_failure_consumes_a_zxid(raw, test_path):
    r = raw()
    _, _, z0 = r.call(OP["sync"], jute.path_req("/"))
    err, results, _, z1 = multi_raw(r, [(OP["delete"], jute.delete_req(test_path + "/missing"))])
    assert results == [(-1, ERR["NONODE"], ERR["NONODE"])]
    assert z1 == z0 + 1


def test_multi_success_result_types_and_shared_zxid(raw, test_path):
    r = raw()
    ops = [(OP["create"], jute.create_req(test_path + "/a", b"1")),
           (OP["create2"], jute.create_req(test_path + "/b", b"22")),
           (OP["createContainer"], jute.create_req(test_path + "/c", flags=4)),
           (OP["createTTL"], jute.create_req(test_path + "/t", flags=5, ttl=100000)),
           (OP["setData"], jute.set_data_req(test_path + "/a", b"xyz")),
           (OP["check"], jute.check_req(test_path + "/a", 1)),
           (OP["delete"], jute.delete_req(test_path + "/b"))]
    err, results, left, zxid = multi_raw(r, ops)
    assert err == 0 and left == 0
    types = [t for t, _, _ in results]
    # ZooKeeper 3.8: a create2 inside multi is answered as type 1 (path only);
    # container/TTL creates as type 15 with a Stat.
    assert types == [1, 1, 15, 15, 5, 13, 2]
    assert all(e == 0 for _, e, _ in results)
    assert results[0][2] == test_path + "/a"
    assert results[1][2] == test_path + "/b"
    assert results[2][2][0] == test_path + "/c" and results[3][2][0] == test_path + "/t"
    st_set = results[4][2]
    assert st_set["version"] == 1 and st_set["dataLength"] == 3
    assert st_set["mzxid"] == results[2][2][1]["czxid"] == results[3][2][1]["czxid"] == zxid
    assert results[5][2] is None and results[6][2] is None


def test_multi_empty_succeeds(raw):
    r = raw()
    err, results, left, _ = multi_raw(r, [])
    assert (err, results, left) == (0, [], 0)


def test_multi_ops_see_earlier_ops(raw, test_path):
    r = raw()
    ops = [(OP["create"], jute.create_req(test_path + "/p")),
           (OP["create"], jute.create_req(test_path + "/p/c")),
           (OP["check"], jute.check_req(test_path + "/p", 0)),
           (OP["delete"], jute.delete_req(test_path + "/p/c")),
           (OP["delete"], jute.delete_req(test_path + "/p"))]
    err, results, _, _ = multi_raw(r, ops)
    assert err == 0 and [e for _, e, _ in results] == [0] * 5


def test_multi_read_returns_independent_results(raw, kz, test_path):
    kz().create(test_path + "/a", b"data")
    r = raw()
    # multiRead sub-requests are GetDataRequest/GetChildrenRequest *with* the watch byte.
    req = jute.multi_req([(OP["getData"], jute.path_watch_req(test_path + "/a")),
                          (OP["getData"], jute.path_watch_req(test_path + "/missing")),
                          (OP["getChildren"], jute.path_watch_req(test_path))])
    err, body, _ = r.call(OP["multiRead"], req)
    assert err == 0
    res = jute.parse_multi_response(body)
    assert res[0][0] == OP["getData"] and res[0][2][0] == b"data"
    assert res[1] == (-1, ERR["NONODE"], ERR["NONODE"])
    assert res[2] == (OP["getChildren"], 0, ["a"])


def test_multi_with_ephemeral_parent_fails_atomically(kz, test_path):
    c = kz()
    c.create(test_path + "/e", ephemeral=True)
    t = c.transaction()
    t.create(test_path + "/ok")
    t.create(test_path + "/e/kid")
    res = t.commit()
    assert isinstance(res[0], RolledBackError)
    assert type(res[1]).__name__ == "NoChildrenForEphemeralsError"
    assert c.exists(test_path + "/ok") is None


@pytest.mark.parametrize("bad_op", [OP["getData"], OP["exists"], OP["sync"]])
def test_multi_with_disallowed_op_is_rejected(raw, test_path, bad_op):
    r = raw()
    req = jute.multi_req([(OP["create"], jute.create_req(test_path + "/a")),
                          (bad_op, jute.path_watch_req(test_path))])
    try:
        err, _, _ = r.call(OP["multi"], req, timeout=3)
    except Exception:
        err = "closed"
    assert err != 0
    c = raw()
    assert c.call(OP["exists"], jute.path_watch_req(test_path + "/a"))[0] == ERR["NONODE"]


def test_multi_read_ignores_watch_flag(raw, kz, test_path):
    kz().create(test_path + "/a")
    r = raw()
    req = jute.multi_req([(OP["getData"], jute.path_watch_req(test_path + "/a", True))])
    assert r.call(OP["multiRead"], req)[0] == 0
    kz().set(test_path + "/a", b"x")
    r.ping()
    assert r.events == []


def test_multi_read_mixing_write_op_is_marshalling_error(raw, test_path):
    r = raw()
    req = jute.multi_req([(OP["getData"], jute.path_watch_req(test_path)),
                          (OP["create"], jute.create_req(test_path + "/zz"))])
    err, body, _ = r.call(OP["multiRead"], req)
    assert (err, body.remaining()) == (ERR["MARSHALLINGERROR"], 0)
    assert r.ping() == 0  # connection stays usable
