"""ACLs: world, digest, auth, ip schemes; NoAuth; InvalidACL; getACL; super digest."""
import pytest
from kazoo.exceptions import AuthFailedError, InvalidACLError, NoAuthError
from kazoo.security import ACL, Id, OPEN_ACL_UNSAFE, make_acl, make_digest_acl

import jute
import zkserver
from jute import ERR, OP

ALICE = ("alice", "alicepw")
BOB = ("bob", "bobpw")


def cred(user):
    return "%s:%s" % user


def test_default_acl_is_world_anyone_all(kz, test_path):
    c = kz()
    c.create(test_path + "/n")
    acls, st = c.get_acls(test_path + "/n")
    assert acls == [ACL(31, Id("world", "anyone"))]
    assert st.aversion == 0


def test_digest_acl_denies_other_users(kz, test_path):
    a = kz(auth_data=[("digest", cred(ALICE))])
    a.create(test_path + "/d", b"secret", acl=[make_digest_acl(*ALICE, all=True)])
    assert a.get(test_path + "/d")[0] == b"secret"
    anon = kz()
    with pytest.raises(NoAuthError):
        anon.get(test_path + "/d")
    b = kz(auth_data=[("digest", cred(BOB))])
    with pytest.raises(NoAuthError):
        b.set(test_path + "/d", b"x")


def test_digest_auth_added_later_grants_access(kz, test_path):
    a = kz(auth_data=[("digest", cred(ALICE))])
    a.create(test_path + "/d", b"s", acl=[make_digest_acl(*ALICE, read=True)])
    c = kz()
    with pytest.raises(NoAuthError):
        c.get(test_path + "/d")
    c.add_auth("digest", cred(ALICE))
    assert c.get(test_path + "/d")[0] == b"s"


def test_digest_acl_stores_hashed_id(kz, test_path):
    a = kz(auth_data=[("digest", cred(ALICE))])
    a.create(test_path + "/d", acl=[make_digest_acl(*ALICE, all=True)])
    acls, _ = a.get_acls(test_path + "/d")
    assert acls == [ACL(31, Id("digest", zkserver.digest(*ALICE)))]


def test_auth_scheme_expands_to_caller_identities(kz, test_path):
    a = kz(auth_data=[("digest", cred(ALICE))])
    a.create(test_path + "/n", acl=[ACL(31, Id("auth", ""))])
    acls, _ = a.get_acls(test_path + "/n")
    assert acls == [ACL(31, Id("digest", zkserver.digest(*ALICE)))]


def test_auth_scheme_without_authentication_is_invalid_acl(kz, test_path):
    with pytest.raises(InvalidACLError):
        kz().create(test_path + "/n", acl=[ACL(31, Id("auth", ""))])


def test_empty_acl_list_is_invalid_acl(raw, test_path):
    r = raw()
    err, _, _ = r.call(OP["create"], jute.create_req(test_path + "/n", acl=[]))
    assert err == ERR["INVALIDACL"]
    err, _, _ = r.call(OP["setACL"], jute.set_acl_req(test_path, []))
    assert err == ERR["INVALIDACL"]


def test_unknown_acl_scheme_is_invalid_acl(kz, test_path):
    with pytest.raises(InvalidACLError):
        kz().create(test_path + "/n", acl=[ACL(31, Id("nosuchscheme", "x"))])


def test_malformed_digest_id_is_invalid_acl(kz, test_path):
    with pytest.raises(InvalidACLError):
        kz().create(test_path + "/n", acl=[ACL(31, Id("digest", "no-colon"))])


def test_duplicate_acl_entries_are_removed(kz, test_path):
    c = kz()
    c.create(test_path + "/n", acl=[ACL(31, Id("world", "anyone")), ACL(31, Id("world", "anyone"))])
    assert c.get_acls(test_path + "/n")[0] == [ACL(31, Id("world", "anyone"))]


def test_ip_acl_matches_loopback(kz, test_path):
    c = kz()
    c.create(test_path + "/mine", b"x", acl=[make_acl("ip", "127.0.0.1", read=True)])
    assert c.get(test_path + "/mine")[0] == b"x"
    c.create(test_path + "/net", b"x", acl=[make_acl("ip", "127.0.0.0/8", read=True)])
    assert c.get(test_path + "/net")[0] == b"x"
    c.create(test_path + "/other", b"x", acl=[make_acl("ip", "10.1.2.3", read=True)])
    with pytest.raises(NoAuthError):
        c.get(test_path + "/other")


def test_ip_acl_with_bad_address_is_invalid_acl(kz, test_path):
    with pytest.raises(InvalidACLError):
        kz().create(test_path + "/n", acl=[make_acl("ip", "not-an-ip", read=True)])


def test_each_permission_bit_is_enforced(kz, test_path):
    c = kz()
    p = test_path
    c.create(p + "/r", b"x", acl=[make_acl("world", "anyone", read=True)])
    with pytest.raises(NoAuthError):
        c.set(p + "/r", b"y")  # WRITE
    with pytest.raises(NoAuthError):
        c.create(p + "/r/child")  # CREATE on parent
    with pytest.raises(NoAuthError):
        c.set_acls(p + "/r", OPEN_ACL_UNSAFE)  # ADMIN
    c.create(p + "/w", b"x", acl=[make_acl("world", "anyone", write=True)])
    with pytest.raises(NoAuthError):
        c.get(p + "/w")  # READ
    with pytest.raises(NoAuthError):
        c.get_children(p + "/w")
    c.set(p + "/w", b"y")
    c.create(p + "/c", acl=[make_acl("world", "anyone", create=True, read=True)])
    c.create(p + "/c/kid")
    with pytest.raises(NoAuthError):
        c.delete(p + "/c/kid")  # DELETE on parent


def test_exists_needs_no_read_permission(kz, test_path):
    # ZooKeeper 3.8 does not check READ on exists.
    c = kz()
    c.create(test_path + "/w", acl=[make_acl("world", "anyone", write=True)])
    assert c.exists(test_path + "/w") is not None


def test_delete_checks_parent_not_node_acl(kz, test_path):
    c = kz()
    c.create(test_path + "/locked", acl=[make_acl("world", "anyone", read=True)])
    c.delete(test_path + "/locked")
    assert c.exists(test_path + "/locked") is None


def test_get_acl_without_read_or_admin_is_no_auth(kz, test_path):
    c = kz()
    c.create(test_path + "/w", acl=[make_acl("world", "anyone", write=True)])
    with pytest.raises(NoAuthError):
        c.get_acls(test_path + "/w")


def test_get_acl_masks_digest_without_admin(kz, test_path):
    a = kz(auth_data=[("digest", cred(ALICE))])
    acl = [make_digest_acl(*ALICE, all=True), make_acl("world", "anyone", read=True)]
    a.create(test_path + "/m", acl=acl)
    assert a.get_acls(test_path + "/m")[0] == acl  # ADMIN: unmasked
    acls, _ = kz().get_acls(test_path + "/m")
    assert acls == [ACL(31, Id("digest", "alice:x")), ACL(1, Id("world", "anyone"))]


def test_set_acl_requires_admin_and_changes_access(kz, test_path):
    a = kz(auth_data=[("digest", cred(ALICE))])
    a.create(test_path + "/n", b"v")
    a.set_acls(test_path + "/n", [make_digest_acl(*ALICE, all=True)])
    with pytest.raises(NoAuthError):
        kz().get(test_path + "/n")
    a.set_acls(test_path + "/n", OPEN_ACL_UNSAFE)
    assert kz().get(test_path + "/n")[0] == b"v"


def test_super_digest_bypasses_acls(kz, test_path):
    a = kz(auth_data=[("digest", cred(ALICE))])
    a.create(test_path + "/n", b"v", acl=[make_digest_acl(*ALICE, read=True)])
    s = kz(auth_data=[("digest", "%s:%s" % (zkserver.SUPER_USER, zkserver.SUPER_PASSWORD))])
    assert s.get(test_path + "/n")[0] == b"v"
    s.set(test_path + "/n", b"w")
    s.set_acls(test_path + "/n", OPEN_ACL_UNSAFE)
    s.delete(test_path + "/n")


def test_wrong_super_password_is_just_a_digest_user(kz, test_path):
    a = kz(auth_data=[("digest", cred(ALICE))])
    a.create(test_path + "/n", b"v", acl=[make_digest_acl(*ALICE, read=True)])
    s = kz(auth_data=[("digest", "super:wrong")])
    with pytest.raises(NoAuthError):
        s.get(test_path + "/n")


def test_unknown_auth_scheme_fails_and_closes(raw):
    r = raw()
    assert r.auth("nosuchscheme", b"x") == ERR["AUTHFAILED"]
    import rawclient
    with pytest.raises((rawclient.ConnectionClosed, OSError)):
        r.recv_frame(timeout=3)


def test_kazoo_add_auth_unknown_scheme_raises(kz):
    c = kz()
    with pytest.raises(AuthFailedError):
        c.add_auth("nosuchscheme", "x")


def test_auth_reply_has_zero_zxid(raw):
    r = raw()
    r.send_request(OP["auth"], jute.auth_req("digest", b"u:p"), xid=jute.XID_AUTH)
    xid, zxid, err, body = r.read_reply()
    assert (xid, zxid, err, body) == (jute.XID_AUTH, 0, 0, b"")


def test_world_read_on_zookeeper_config(kz):
    acls, st = kz().get_acls("/zookeeper/config")
    assert acls == [ACL(1, Id("world", "anyone"))]
    assert st.aversion == -1
