"""Every Stat field after create / setData / setACL / child create / child delete."""
import time

from kazoo.security import make_acl


def test_stat_of_new_node(kz, test_path):
    c = kz()
    before = int(time.time() * 1000)
    c.create(test_path + "/n", b"hello")
    after = int(time.time() * 1000)
    _, st = c.get(test_path + "/n")
    assert st.czxid == st.mzxid == st.pzxid > 0
    assert before - 2000 <= st.ctime <= after + 2000
    assert st.ctime == st.mtime
    assert (st.version, st.cversion, st.aversion) == (0, 0, 0)
    assert st.ephemeralOwner == 0
    assert st.dataLength == 5
    assert st.numChildren == 0


def test_set_data_bumps_version_and_mzxid_only(kz, test_path):
    c = kz()
    c.create(test_path + "/n", b"a")
    _, st0 = c.get(test_path + "/n")
    time.sleep(0.01)
    st1 = c.set(test_path + "/n", b"abcd")
    assert st1.version == 1
    assert st1.mzxid > st0.mzxid
    assert st1.czxid == st0.czxid and st1.pzxid == st0.pzxid
    assert st1.mtime >= st0.mtime and st1.ctime == st0.ctime
    assert st1.dataLength == 4
    assert (st1.cversion, st1.aversion) == (0, 0)
    assert c.get(test_path + "/n")[1] == st1


def test_set_data_same_value_still_bumps_version(kz, test_path):
    c = kz()
    c.create(test_path + "/n", b"a")
    assert c.set(test_path + "/n", b"a").version == 1


def test_set_acl_bumps_aversion_not_mzxid(kz, test_path):
    c = kz()
    c.create(test_path + "/n", b"a")
    _, st0 = c.get(test_path + "/n")
    st1 = c.set_acls(test_path + "/n", [make_acl("world", "anyone", all=True)])
    assert st1.aversion == 1
    assert st1.mzxid == st0.mzxid and st1.version == 0 and st1.pzxid == st0.pzxid
    _, acl_stat = c.get_acls(test_path + "/n")
    assert acl_stat.aversion == 1


def test_child_create_updates_parent_pzxid_cversion_numchildren(kz, test_path):
    c = kz()
    _, p0 = c.get(test_path)
    _, child = c.create(test_path + "/c", include_data=True)
    _, p1 = c.get(test_path)
    assert p1.pzxid == child.czxid
    assert p1.cversion == p0.cversion + 1
    assert p1.numChildren == p0.numChildren + 1
    assert p1.mzxid == p0.mzxid and p1.version == p0.version


def test_child_delete_updates_parent_pzxid_and_cversion(kz, test_path):
    c = kz()
    c.create(test_path + "/c")
    _, p1 = c.get(test_path)
    c.delete(test_path + "/c")
    _, p2 = c.get(test_path)
    assert p2.pzxid > p1.pzxid
    assert p2.cversion == p1.cversion + 1  # reported cversion = creates + deletes
    assert p2.numChildren == p1.numChildren - 1
    assert p2.mzxid == p1.mzxid


def test_child_set_data_does_not_touch_parent(kz, test_path):
    c = kz()
    c.create(test_path + "/c")
    _, p1 = c.get(test_path)
    c.set(test_path + "/c", b"x")
    assert c.get(test_path)[1] == p1


def test_zxids_strictly_increase_across_writes(kz, test_path):
    c = kz()
    zx = []
    for i in range(5):
        _, st = c.create(test_path + "/n%d" % i, include_data=True)
        zx.append(st.czxid)
    assert zx == sorted(zx) and len(set(zx)) == 5


def test_exists_and_get_children_stat_agree(kz, test_path):
    c = kz()
    c.create(test_path + "/a")
    c.create(test_path + "/b")
    st_exists = c.exists(test_path)
    children, st_children = c.get_children(test_path, include_data=True)
    assert sorted(children) == ["a", "b"]
    assert st_exists == st_children == c.get(test_path)[1]


def test_data_length_of_empty_and_binary_data(kz, test_path):
    c = kz()
    c.create(test_path + "/e", b"")
    assert c.get(test_path + "/e") [1].dataLength == 0
    blob = bytes(range(256))
    c.create(test_path + "/b", blob)
    data, st = c.get(test_path + "/b")
    assert data == blob and st.dataLength == 256
