// `zkctl shell`: reads commands line by line (readline when built with it and stdin is a
// terminal, plain stdin otherwise), runs them on one session, prints watch events the
// way zkCli.sh does.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "zkctl/cli.h"
#include "zkctl/format.h"

#ifdef ZKCTL_HAVE_READLINE
#include <readline/history.h>
#include <readline/readline.h>
#endif

namespace zkctl {

namespace {

// Splits a line like zkCli: whitespace separated, '...' and "..." group words.
bool tokenize(const std::string& line, std::vector<std::string>* out, std::string* error) {
  out->clear();
  std::string cur;
  bool in_tok = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        cur += line[++i];
      } else {
        cur += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_tok = true;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      if (in_tok) out->push_back(cur);
      cur.clear();
      in_tok = false;
    } else {
      cur += c;
      in_tok = true;
    }
  }
  if (quote) {
    *error = "unterminated quote";
    return false;
  }
  if (in_tok) out->push_back(cur);
  return true;
}

#ifdef ZKCTL_HAVE_READLINE
char* complete_command(const char* text, int state) {
  static size_t idx;
  if (state == 0) idx = 0;
  const auto& cmds = commands();
  static const char* extra[] = {"quit", "exit", "connect", "history", "help"};
  size_t len = std::strlen(text);
  while (idx < cmds.size() + 5) {
    const char* name = idx < cmds.size() ? cmds[idx].name : extra[idx - cmds.size()];
    ++idx;
    if (std::strncmp(name, text, len) == 0) return strdup(name);
  }
  return nullptr;
}
char** completion(const char* text, int start, int) {
  if (start != 0) return nullptr;
  rl_attempted_completion_over = 1;
  return rl_completion_matches(text, complete_command);
}
#endif

bool read_line(bool tty, const std::string& prompt, std::string* line) {
#ifdef ZKCTL_HAVE_READLINE
  if (tty) {
    char* l = readline(prompt.c_str());
    if (!l) return false;
    *line = l;
    if (!line->empty()) add_history(l);
    free(l);
    return true;
  }
#endif
  if (tty) {
    std::fputs(prompt.c_str(), stdout);
    std::fflush(stdout);
  }
  return static_cast<bool>(std::getline(std::cin, *line));
}

}  // namespace

int shell_main(Ctx& ctx, const Args&) {
  ctx.interactive = true;
  ctx.set_on_event([&ctx](const zkd::client::WatchEvent& ev) {
    if (ev.type == zkd::proto::event::kNone && ev.state == zkd::proto::state::kSyncConnected) {
      return;
    }
    ctx.out("WATCHER::");
    ctx.out("");
    ctx.out("WatchedEvent state:" + state_name(ev.state) + " type:" + event_type_name(ev.type) +
            " path:" + (ev.type == zkd::proto::event::kNone ? "null" : ev.path));
  });
  bool tty = ::isatty(0) == 1;
  {
    // Connect up front, as zkCli.sh does; on failure the error is printed and the
    // shell still runs (`connect host:port`, or the next command retries).
    int rc = kOk;
    ctx.zk(&rc);
  }
#ifdef ZKCTL_HAVE_READLINE
  rl_attempted_completion_function = completion;
#endif
  // Exit status: the last failing command's code, 0 when every command succeeded.
  int last = kOk;
  int worst = kOk;
  int lineno = 0;
  std::string line;
  for (;;) {
    std::string prompt =
        "[zk: " + ctx.g.servers + "(" + ctx.state_label() + ") " + std::to_string(lineno) + "] ";
    if (!read_line(tty, prompt, &line)) break;
    ++lineno;
    std::vector<std::string> tokens;
    std::string error;
    if (!tokenize(line, &tokens, &error)) {
      last = worst = ctx.fail(kUsage, "BADARGUMENTS", error);
      continue;
    }
    if (tokens.empty() || tokens[0][0] == '#') continue;
    const std::string& c = tokens[0];
    if (c == "quit" || c == "exit") break;
    if (c == "close") {
      ctx.disconnect();
      last = kOk;
      continue;
    }
    if (c == "connect") {
      if (tokens.size() != 2) {
        last = worst = ctx.fail(kUsage, "BADARGUMENTS", "usage: connect host:port");
        continue;
      }
      ctx.disconnect();
      ctx.g.servers = tokens[1];
      int rc = kOk;
      last = ctx.zk(&rc) ? kOk : rc;
      if (last != kOk) worst = last;
      continue;
    }
    if (c == "help") {
      for (const auto& cmd : commands()) ctx.out("\t" + std::string(cmd.usage));
      last = kOk;
      continue;
    }
    if (c == "history") {
#ifdef ZKCTL_HAVE_READLINE
      HIST_ENTRY** h = history_list();
      for (int k = 0; h && h[k]; ++k) ctx.out(std::to_string(k) + " - " + h[k]->line);
#endif
      last = kOk;
      continue;
    }
    if (c == "shell" || c == "watch") {
      last = worst =
          ctx.fail(kUsage, "BADARGUMENTS", "'" + c + "' is not available inside the shell");
      continue;
    }
    last = run_command(ctx, tokens);
    if (last != kOk) worst = last;
  }
  ctx.set_on_event(nullptr);
  ctx.disconnect();
  (void)last;
  return worst;
}

}  // namespace zkctl
