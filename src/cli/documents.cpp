#include "cli/documents.h"

#include <chrono>

#include "load/source.h"

namespace stacklint::cli {

std::shared_ptr<const LoadedDocument> read_document(const std::string& path,
                                                    const std::string& shown,
                                                    const load::Limits& limits, bool seen,
                                                    ReadResult& read) {
  read = read_file(path, limits.max_bytes, seen);
  if (!read.error.empty()) return nullptr;
  auto document = std::make_shared<LoadedDocument>();
  document->id = read.id;
  document->source =
      std::make_shared<const load::Source>(shown, std::move(read.bytes), read.full_size);
  load_document(*document, limits);
  return document;
}

void load_document(LoadedDocument& document, const load::Limits& limits) {
  auto started = std::chrono::steady_clock::now();
  document.loaded = load::load(*document.source, limits);
  document.load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

DocumentCache::DocumentCache(const std::vector<Input>& inputs) {
  for (const Input& input : inputs) {
    if (input.path == "-") continue;
    if (std::string key = key_of(input.path); !key.empty()) pending_.insert(std::move(key));
  }
}

std::string DocumentCache::key_of(const std::string& path) {
  // Most paths are normal already (a walk's, the linked runs'): no path built for them.
  bool normal = !path.empty() && (is_plainly_normal(path) || lexically_normal(path) == path);
  return normal && load::find_invalid_utf8(path) == std::string::npos ? path : std::string();
}

size_t DocumentCache::weight(const LoadedDocument& document) {
  // At least one, so that a run of empty files still moves the oldest out.
  return document.loaded.document.node_count() + 1;
}

std::shared_ptr<const LoadedDocument> DocumentCache::find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = awaited_.find(key); it != awaited_.end()) return it->second;
  if (auto it = recent_.find(key); it != recent_.end()) return it->second;
  return nullptr;
}

void DocumentCache::loaded_for_link(const std::string& key,
                                    std::shared_ptr<const LoadedDocument> document) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (key.empty() || pending_.count(key) == 0 || awaited_.count(key) > 0) return;
  size_t nodes = weight(*document);
  if (awaited_nodes_ + nodes > kAwaitedNodes) return;  // loaded again by its own lint
  awaited_nodes_ += nodes;
  awaited_.emplace(key, std::move(document));
}

std::shared_ptr<const LoadedDocument> DocumentCache::start_input(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.erase(key);
  auto it = awaited_.find(key);
  if (it == awaited_.end()) return nullptr;
  std::shared_ptr<const LoadedDocument> document = std::move(it->second);
  awaited_nodes_ -= weight(*document);
  awaited_.erase(it);
  return document;
}

void DocumentCache::linted(const std::string& key, std::shared_ptr<const LoadedDocument> document) {
  // The documents moved out are freed after the lock is released: freeing a tree takes as
  // long as a few rules, and the other threads need not wait for it.
  std::vector<std::shared_ptr<const LoadedDocument>> evicted;
  std::lock_guard<std::mutex> lock(mutex_);
  size_t nodes = weight(*document);
  if (key.empty() || nodes > kRecentNodes || recent_.count(key) > 0) return;
  while (recent_nodes_ + nodes > kRecentNodes) {
    auto oldest = recent_.find(recent_order_.front());
    recent_nodes_ -= weight(*oldest->second);
    evicted.push_back(std::move(oldest->second));
    recent_.erase(oldest);
    recent_order_.pop_front();
  }
  recent_nodes_ += nodes;
  recent_.emplace(key, std::move(document));
  recent_order_.push_back(key);
}

}  // namespace stacklint::cli
