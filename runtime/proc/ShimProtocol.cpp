// What wfc and wfc-shim say to each other: frames over a socket.
#include "runtime/proc/ShimProtocol.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>

namespace wfc::proc {

namespace {

constexpr uint32_t kMaxFrame = 64u << 20;
constexpr int kMaxFds = 96;

void put32(std::string &out, uint32_t v) { out.append(reinterpret_cast<const char *>(&v), 4); }
void put64(std::string &out, uint64_t v) { out.append(reinterpret_cast<const char *>(&v), 8); }
void putString(std::string &out, const std::string &s) {
  put32(out, static_cast<uint32_t>(s.size()));
  out += s;
}
void putList(std::string &out, const std::vector<std::string> &list) {
  put32(out, static_cast<uint32_t>(list.size()));
  for (const std::string &s : list)
    putString(out, s);
}

struct Cursor {
  const std::string &data;
  size_t pos = 0;
  bool ok = true;
  bool take(void *out, size_t n) {
    if (!ok || data.size() - pos < n)
      return ok = false;
    memcpy(out, data.data() + pos, n);
    pos += n;
    return true;
  }
  uint32_t u32() {
    uint32_t v = 0;
    take(&v, 4);
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    take(&v, 8);
    return v;
  }
  std::string string() {
    uint32_t n = u32();
    if (!ok || data.size() - pos < n) {
      ok = false;
      return {};
    }
    std::string s = data.substr(pos, n);
    pos += n;
    return s;
  }
  std::vector<std::string> list() {
    uint32_t n = u32();
    std::vector<std::string> out;
    for (uint32_t i = 0; i < n && ok; ++i)
      out.push_back(string());
    return out;
  }
};

bool writeAll(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool readAll(int fd, char *p, size_t n) {
  while (n) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

} // namespace

std::vector<int> flatten(const Handles &h) {
  std::vector<int> fds{h.output, h.workdir};
  fds.insert(fds.end(), h.binds.begin(), h.binds.end());
  fds.insert(fds.end(), h.hide.begin(), h.hide.end());
  fds.insert(fds.end(), h.cgroups.begin(), h.cgroups.end());
  return fds;
}

bool unflatten(const AttemptRequest &r, const std::vector<int> &fds, Handles &h) {
  size_t fixed = 2 + r.binds.size() + r.hide.size();
  if (fds.size() < fixed || fds.size() > fixed + 4)
    return false;
  h.output = fds[0];
  h.workdir = fds[1];
  auto at = fds.begin() + 2;
  h.binds.assign(at, at + static_cast<long>(r.binds.size()));
  at += static_cast<long>(r.binds.size());
  h.hide.assign(at, at + static_cast<long>(r.hide.size()));
  at += static_cast<long>(r.hide.size());
  h.cgroups.assign(at, fds.end());
  return true;
}

std::string encode(const AttemptRequest &r) {
  std::string out;
  put64(out, static_cast<uint64_t>(r.graceMs));
  put32(out, r.timing ? 1 : 0);
  put32(out, static_cast<uint32_t>(r.cloneFlags));
  put32(out, r.sandbox);
  put32(out, static_cast<uint32_t>(r.limits.size()));
  for (auto [resource, value] : r.limits) {
    put32(out, static_cast<uint32_t>(resource));
    put64(out, value);
  }
  putString(out, r.workdir);
  put32(out, static_cast<uint32_t>(r.binds.size()));
  for (const auto &[path, writable] : r.binds) {
    putString(out, path);
    put32(out, writable ? 1 : 0);
  }
  putList(out, r.hide);
  put64(out, r.tmpfsBytes);
  putList(out, r.argv);
  putList(out, r.env);
  return out;
}

bool decode(const std::string &payload, AttemptRequest &r) {
  Cursor c{payload};
  r.graceMs = static_cast<int64_t>(c.u64());
  r.timing = c.u32() != 0;
  r.cloneFlags = static_cast<int32_t>(c.u32());
  r.sandbox = c.u32();
  uint32_t limits = c.u32();
  for (uint32_t i = 0; i < limits && c.ok; ++i) {
    int32_t resource = static_cast<int32_t>(c.u32());
    r.limits.emplace_back(resource, c.u64());
  }
  r.workdir = c.string();
  uint32_t binds = c.u32();
  for (uint32_t i = 0; i < binds && c.ok; ++i) {
    std::string path = c.string();
    r.binds.emplace_back(std::move(path), c.u32() != 0);
  }
  r.hide = c.list();
  r.tmpfsBytes = c.u64();
  r.argv = c.list();
  r.env = c.list();
  return c.ok && c.pos == payload.size() && !r.argv.empty();
}

bool sendFrame(int socket, const std::string &payload, const int *fds, int fdCount) {
  if (fdCount > kMaxFds) {
    errno = EMFILE;
    return false;
  }
  // Length and payload in one message; the descriptors ride on its first
  // byte, which the receiver reads alone. A stream socket may take part of
  // it: the rest follows as plain writes.
  uint32_t length = static_cast<uint32_t>(payload.size());
  char header[4];
  memcpy(header, &length, 4);
  iovec iov[2] = {{header, 4}, {const_cast<char *>(payload.data()), payload.size()}};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = 2;
  if (fdCount > 0) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fdCount);
    cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fdCount);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * fdCount);
  }
  ssize_t sent;
  do
    sent = sendmsg(socket, &msg, MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);
  if (sent <= 0)
    return false;
  size_t done = static_cast<size_t>(sent);
  if (done < 4 && !writeAll(socket, header + done, 4 - done))
    return false;
  size_t fromPayload = done > 4 ? done - 4 : 0;
  return writeAll(socket, payload.data() + fromPayload, payload.size() - fromPayload);
}

bool receiveFrame(int socket, std::string &payload, std::vector<int> &fds) {
  fds.clear();
  char header[4];
  iovec iov{header, sizeof header};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t got;
  do
    got = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  while (got < 0 && errno == EINTR);
  if (got <= 0)
    return false;
  for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      const int *received = reinterpret_cast<const int *>(CMSG_DATA(c));
      fds.assign(received, received + n);
    }
  size_t have = static_cast<size_t>(got);
  uint32_t length = 0;
  if (!readAll(socket, header + have, sizeof header - have))
    return false;
  memcpy(&length, header, sizeof length);
  if (length > kMaxFrame)
    return false;
  payload.resize(length);
  return readAll(socket, payload.data(), length);
}

std::vector<pid_t> descendants(pid_t root) {
  std::vector<pid_t> found;
  std::vector<pid_t> frontier{root};
  while (!frontier.empty()) {
    pid_t pid = frontier.back();
    frontier.pop_back();
    std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    DIR *dir = opendir(tasks.c_str());
    if (!dir)
      continue;
    while (dirent *entry = readdir(dir)) {
      if (entry->d_name[0] == '.')
        continue;
      std::string path = tasks + "/" + entry->d_name + "/children";
      int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        continue;
      std::string text;
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
        text.append(buf, static_cast<size_t>(n));
      close(fd);
      for (const char *p = text.c_str(); *p;) {
        char *end = nullptr;
        long child = strtol(p, &end, 10);
        if (end == p)
          break;
        found.push_back(static_cast<pid_t>(child));
        frontier.push_back(static_cast<pid_t>(child));
        p = end;
      }
    }
    closedir(dir);
  }
  return found;
}

namespace {
ShimMarks *currentMarks = nullptr;
} // namespace

const char *shimMarkPhase(ShimMark mark) {
  switch (mark) {
#define WFC_SHIM_MARK(Name, Phase)                                                                 \
  case ShimMark::Name:                                                                             \
    return Phase;
#include "runtime/proc/ShimMarks.def"
  }
  return "";
}

int64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void recordMarks(ShimMarks *marks) { currentMarks = marks; }

void mark(ShimMark m) {
  if (currentMarks)
    currentMarks->at[static_cast<size_t>(m)] = monotonicNs();
}

const char *shimStepName(ShimStep step) {
  switch (step) {
  case ShimStep::None:
    return "starting";
  case ShimStep::Mounts:
    return "making the file system read-only";
  case ShimStep::Tmp:
    return "mounting a private /tmp";
  case ShimStep::Proc:
    return "mounting /proc";
  case ShimStep::Network:
    return "setting up the network namespace";
  case ShimStep::Hostname:
    return "setting the hostname";
  case ShimStep::Limits:
    return "setting limits";
  case ShimStep::NoNewPrivs:
    return "setting no_new_privs";
  case ShimStep::Seccomp:
    return "loading the seccomp filter";
  case ShimStep::Cgroup:
    return "joining the cgroup";
  case ShimStep::UserNamespace:
    return "mapping the user namespace";
  case ShimStep::Namespaces:
    return "creating namespaces";
  case ShimStep::Dev:
    return "making a minimal /dev";
  case ShimStep::Hide:
    return "hiding files";
  case ShimStep::Capabilities:
    return "dropping capabilities";
  }
  return "setting up";
}

} // namespace wfc::proc
