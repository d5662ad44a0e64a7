// Command zkd_go_it runs real-client scenarios with the samuel/go-zookeeper Go client
// (Debian golang-github-samuel-go-zookeeper-dev) against the server at env ZK_CONNECT
// (host:port) and prints one PASS/FAIL line per scenario; it exits 1 if any failed.
// Optional arguments select scenarios by name.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/samuel/go-zookeeper/zk"
)

// failure is what check() panics with; run() turns it into a FAIL line.
type failure string

func check(cond bool, format string, args ...interface{}) {
	if !cond {
		panic(failure(fmt.Sprintf(format, args...)))
	}
}

func must(err error, what string) {
	if err != nil {
		panic(failure(fmt.Sprintf("%s: %v", what, err)))
	}
}

type env struct {
	server string
	base   string
	conns  []*zk.Conn
}

// connect opens a session and waits until it is established.
func (e *env) connect() *zk.Conn {
	c, events, err := zk.Connect([]string{e.server}, 10*time.Second, zk.WithLogInfo(false))
	must(err, "connect")
	e.conns = append(e.conns, c)
	deadline := time.After(15 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.State == zk.StateHasSession {
				return c
			}
		case <-deadline:
			panic(failure("no session within 15 s"))
		}
	}
}

// close ends one session; the library panics on a second Close, so it is forgotten here.
func (e *env) close(c *zk.Conn) {
	for i, x := range e.conns {
		if x == c {
			e.conns = append(e.conns[:i], e.conns[i+1:]...)
			c.Close()
			return
		}
	}
}

func (e *env) closeAll() {
	for _, c := range e.conns {
		c.Close()
	}
	e.conns = nil
}

// await returns the next event from a watch channel or fails after 10 s.
func await(ch <-chan zk.Event, what string) zk.Event {
	select {
	case ev := <-ch:
		return ev
	case <-time.After(10 * time.Second):
		panic(failure(what + ": no watch event within 10 s"))
	}
}

var open = zk.WorldACL(zk.PermAll)

func scenarioConnect(e *env) {
	c := e.connect()
	check(c.SessionID() != 0, "session id is zero")
	check(c.State() == zk.StateHasSession, "state %v", c.State())
	kids, _, err := c.Children("/")
	must(err, "children of /")
	check(contains(kids, "zookeeper"), "/zookeeper missing from %v", kids)
}

func scenarioCrud(e *env) {
	c := e.connect()
	p := e.base
	got, err := c.Create(p, []byte("v0"), 0, open)
	must(err, "create")
	check(got == p, "created path %q", got)
	data, st, err := c.Get(p)
	must(err, "get")
	check(string(data) == "v0" && st.Version == 0 && st.DataLength == 2, "get: %q %+v", data, st)
	check(st.Czxid == st.Mzxid && st.Ctime == st.Mtime, "fresh stat %+v", st)
	st2, err := c.Set(p, []byte("v1"), 0)
	must(err, "set")
	check(st2.Version == 1 && st2.Mzxid > st.Mzxid, "set stat %+v", st2)
	_, err = c.Set(p, []byte("v2"), 0)
	check(err == zk.ErrBadVersion, "stale set: %v", err)
	_, err = c.Create(p, nil, 0, open)
	check(err == zk.ErrNodeExists, "duplicate create: %v", err)
	_, err = c.Create(p+"/a/b", nil, 0, open)
	check(err == zk.ErrNoNode, "create without parent: %v", err)
	_, err = c.Create(p+"/a", nil, 0, open)
	must(err, "create child")
	check(c.Delete(p, -1) == zk.ErrNotEmpty, "delete non-empty")
	check(c.Delete(p+"/a", 3) == zk.ErrBadVersion, "delete with wrong version")
	must(c.Delete(p+"/a", 0), "delete child")
	_, pst, err := c.Exists(p)
	must(err, "exists")
	check(pst.NumChildren == 0 && pst.Cversion == 2, "parent after child create+delete %+v", pst)
	must(c.Delete(p, -1), "delete")
	ok, _, err := c.Exists(p)
	check(err == nil && !ok, "exists after delete: %v %v", ok, err)
	_, _, err = c.Get(p)
	check(err == zk.ErrNoNode, "get after delete: %v", err)
}

func scenarioEphemeralSequential(e *env) {
	c := e.connect()
	other := e.connect()
	p := e.base
	_, err := c.Create(p, nil, 0, open)
	must(err, "create parent")
	a, err := c.Create(p+"/n-", nil, zk.FlagSequence, open)
	must(err, "sequential")
	b, err := c.Create(p+"/n-", []byte("e"), zk.FlagEphemeral|zk.FlagSequence, open)
	must(err, "ephemeral sequential")
	check(a == p+"/n-0000000000" && b == p+"/n-0000000001", "names %q %q", a, b)
	_, st, err := other.Exists(b)
	must(err, "exists")
	check(st.EphemeralOwner == c.SessionID(), "owner %x want %x", st.EphemeralOwner, c.SessionID())
	_, err = c.Create(b+"/child", nil, 0, open)
	check(err == zk.ErrNoChildrenForEphemerals, "child of ephemeral: %v", err)
	_, _, ch, err := other.ExistsW(b)
	must(err, "exists watch")
	e.close(c)
	ev := await(ch, "ephemeral deleted at session close")
	check(ev.Type == zk.EventNodeDeleted && ev.Path == b, "event %+v", ev)
}

func scenarioWatches(e *env) {
	c := e.connect()
	other := e.connect()
	p := e.base
	ok, _, ch, err := c.ExistsW(p)
	must(err, "exists watch")
	check(!ok, "node exists already")
	_, err = other.Create(p, []byte("0"), 0, open)
	must(err, "create")
	ev := await(ch, "exists watch")
	check(ev.Type == zk.EventNodeCreated && ev.Path == p, "event %+v", ev)

	_, _, ch, err = c.GetW(p)
	must(err, "data watch")
	_, err = other.Set(p, []byte("1"), -1)
	must(err, "set")
	ev = await(ch, "data watch")
	check(ev.Type == zk.EventNodeDataChanged && ev.Path == p, "event %+v", ev)

	_, _, ch, err = c.ChildrenW(p)
	must(err, "child watch")
	_, err = other.Create(p+"/c", nil, 0, open)
	must(err, "create child")
	ev = await(ch, "child watch")
	check(ev.Type == zk.EventNodeChildrenChanged && ev.Path == p, "event %+v", ev)

	_, _, ch, err = c.GetW(p + "/c")
	must(err, "data watch on child")
	must(other.Delete(p+"/c", -1), "delete child")
	ev = await(ch, "data watch on delete")
	check(ev.Type == zk.EventNodeDeleted && ev.Path == p+"/c", "event %+v", ev)
}

func scenarioMulti(e *env) {
	c := e.connect()
	p := e.base
	res, err := c.Multi(
		&zk.CreateRequest{Path: p, Data: []byte("root"), Acl: open},
		&zk.CreateRequest{Path: p + "/x", Data: []byte("x"), Acl: open},
		&zk.SetDataRequest{Path: p + "/x", Data: []byte("y"), Version: 0},
		&zk.CheckVersionRequest{Path: p, Version: 0},
	)
	must(err, "multi")
	check(len(res) == 4 && res[0].String == p && res[1].String == p+"/x", "results %+v", res)
	check(res[2].Stat != nil && res[2].Stat.Version == 1, "setData result %+v", res[2].Stat)
	res, err = c.Multi(
		&zk.CreateRequest{Path: p + "/new", Acl: open},
		&zk.CheckVersionRequest{Path: p + "/x", Version: 7},
		&zk.DeleteRequest{Path: p + "/x", Version: -1},
	)
	check(err == zk.ErrBadVersion, "failing multi error: %v", err)
	check(len(res) == 3, "one result per op: %+v", res)
	// OK for ops before the failure, the failure's code, then RUNTIMEINCONSISTENCY (-2,
	// which this client library reports as ErrUnknown).
	check(res[0].Error == nil && res[1].Error == zk.ErrBadVersion && res[2].Error == zk.ErrUnknown,
		"per-op errors %v %v %v", res[0].Error, res[1].Error, res[2].Error)
	ok, _, _ := c.Exists(p + "/new")
	check(!ok, "failed multi created a node")
	data, _, err := c.Get(p + "/x")
	check(err == nil && string(data) == "y", "failed multi changed data: %q %v", data, err)
}

func scenarioACL(e *env) {
	owner := e.connect()
	anon := e.connect()
	p := e.base
	acl := append(zk.DigestACL(zk.PermAll, "gopher", "secret"), zk.WorldACL(zk.PermRead)...)
	_, err := owner.Create(p, []byte("guarded"), 0, acl)
	must(err, "create with digest ACL")
	_, err = anon.Set(p, []byte("x"), -1)
	check(err == zk.ErrNoAuth, "anonymous set: %v", err)
	data, _, err := anon.Get(p)
	check(err == nil && string(data) == "guarded", "world read: %q %v", data, err)
	must(anon.AddAuth("digest", []byte("gopher:secret")), "addauth")
	_, err = anon.Set(p, []byte("by-gopher"), -1)
	must(err, "set after addauth")
	got, st, err := anon.GetACL(p)
	must(err, "getACL")
	check(len(got) == 2 && got[0] == acl[0] && got[1] == acl[1], "acl %+v", got)
	_, err = anon.SetACL(p, zk.DigestACL(zk.PermAll, "gopher", "secret"), st.Aversion)
	must(err, "setACL")
	_, _, err = owner.Get(p)
	check(err == zk.ErrNoAuth, "read after world READ removed: %v", err)
	_, err = owner.Create(p+"/auth", nil, 0, zk.AuthACL(zk.PermAll))
	check(err == zk.ErrNoAuth, "create under guarded node: %v", err)
}

func scenarioLock(e *env) {
	a := e.connect()
	b := e.connect()
	p := e.base
	la := zk.NewLock(a, p, open)
	lb := zk.NewLock(b, p, open)
	must(la.Lock(), "lock a")
	acquired := make(chan error, 1)
	go func() { acquired <- lb.Lock() }()
	select {
	case err := <-acquired:
		panic(failure(fmt.Sprintf("second lock acquired while held (err %v)", err)))
	case <-time.After(500 * time.Millisecond):
	}
	must(la.Unlock(), "unlock a")
	select {
	case err := <-acquired:
		must(err, "lock b")
	case <-time.After(10 * time.Second):
		panic(failure("second lock not acquired after unlock"))
	}
	must(lb.Unlock(), "unlock b")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func main() {
	server := os.Getenv("ZK_CONNECT")
	if server == "" {
		fmt.Fprintln(os.Stderr, "ZK_CONNECT (host:port) is not set")
		os.Exit(2)
	}
	scenarios := map[string]func(*env){
		"go_connect":              scenarioConnect,
		"go_crud":                 scenarioCrud,
		"go_ephemeral_sequential": scenarioEphemeralSequential,
		"go_watches":              scenarioWatches,
		"go_multi":                scenarioMulti,
		"go_acl":                  scenarioACL,
		"go_lock":                 scenarioLock,
	}
	order := []string{"go_connect", "go_crud", "go_ephemeral_sequential", "go_watches",
		"go_multi", "go_acl", "go_lock"}
	if len(os.Args) > 1 {
		order = os.Args[1:]
		sort.Strings(order)
	}
	failed := 0
	for _, name := range order {
		fn, ok := scenarios[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown scenario %s\n", name)
			os.Exit(2)
		}
		e := &env{server: server, base: "/" + name}
		verdict := run(fn, e)
		e.closeAll()
		if verdict == "" {
			fmt.Printf("PASS %s\n", name)
		} else {
			failed++
			fmt.Printf("FAIL %s %s\n", name, strings.ReplaceAll(verdict, "\n", " "))
		}
	}
	fmt.Printf("summary: %d passed, %d failed\n", len(order)-failed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

// run executes one scenario with a 60 s bound; "" means it passed.
func run(fn func(*env), e *env) string {
	done := make(chan string, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				if f, ok := r.(failure); ok {
					done <- string(f)
				} else {
					done <- fmt.Sprintf("panic: %v", r)
				}
			}
		}()
		fn(e)
		done <- ""
	}()
	select {
	case v := <-done:
		return v
	case <-time.After(60 * time.Second):
		return "timed out after 60 s"
	}
}
