/* fetch-posts.vala: fetch a model and a collection from Vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Build it against an installed library with
 *   valac --pkg cacheit-1 fetch-posts.vala
 *
 * A Soup.Server in the same process stands in for a JSON API.
 */

/* A typed model: its properties are filled from the JSON members. */
public class Post : Cacheit.Model {
    public string title { get; set; }
    public int views { get; set; }
}

const string[] TITLES = { "Hello, world", "Fetch once", "Cache it" };

uint n_requests = 0;

void serve (Soup.Server server, Soup.ServerMessage msg, string path, HashTable<string, string>? query) {
    n_requests++;
    var body = new StringBuilder ();
    uint64 id;

    if (path == "/posts") {
        body.append ("[");
        for (int i = 0; i < TITLES.length; i++) {
            body.append_printf ("%s{\"id\": %d, \"title\": \"%s\", \"views\": %d}",
                                i > 0 ? ", " : "", i + 1, TITLES[i], 100 * (i + 1));
        }
        body.append ("]");
    } else if (uint64.try_parse (path.substring ("/posts/".length), out id) &&
               id >= 1 && id <= TITLES.length) {
        body.append_printf ("{\"id\": %d, \"title\": \"%s\", \"views\": %d}",
                            (int) id, TITLES[id - 1], 100 * (int) id);
    } else {
        msg.set_status (Soup.Status.NOT_FOUND, null);
        return;
    }

    msg.set_status (Soup.Status.OK, null);
    msg.set_response ("application/json", Soup.MemoryUse.COPY, body.str.data);
}

async void run (string base_url) throws Error {
    var post = new Post () { url = base_url + "/posts/2" };
    yield post.fetch_async (Cacheit.FetchFlags.NONE, null);
    yield post.fetch_async (Cacheit.FetchFlags.NONE, null);    /* cached: no request */
    print ("post 2: %s, %d views\n", post.title, post.views);

    var posts = new Cacheit.Collection (typeof (Post), base_url + "/posts");
    yield posts.fetch_async (Cacheit.FetchFlags.NONE, null);
    for (uint i = 0; i < posts.get_n_items (); i++) {
        var item = (Post) posts.get_item (i);
        print ("  #%lld %s\n", item.get_int ("id"), item.title);
    }

    try {
        var missing = new Cacheit.Model (base_url + "/posts/99");
        yield missing.fetch_async (Cacheit.FetchFlags.NONE, null);
    } catch (Cacheit.Error.HTTP_STATUS e) {
        print ("HTTP error: %s\n", e.message);
    }
}

int main () {
    var server = (Soup.Server) Object.new (typeof (Soup.Server));
    server.add_handler ("/posts", serve);
    try {
        server.listen_local (0, Soup.ServerListenOptions.IPV4_ONLY);
    } catch (Error e) {
        printerr ("cannot listen: %s\n", e.message);
        return 1;
    }
    var base_url = "http://127.0.0.1:%d".printf (server.get_uris ().data.get_port ());

    var loop = new MainLoop ();
    int status = 0;
    run.begin (base_url, (obj, res) => {
        try {
            run.end (res);
        } catch (Error e) {
            printerr ("%s\n", e.message);
            status = 1;
        }
        loop.quit ();
    });
    loop.run ();

    print ("%u HTTP requests for 4 fetch calls\n", n_requests);
    return status == 0 && n_requests == 3 ? 0 : 1;
}
