#include "strided.hpp"

namespace plugboard_native {

namespace {
constexpr int kAligned = 0x0100;  // NPY_ARRAY_ALIGNED
}

Layout::Layout(const Call& call, const std::vector<py::array>& arrays) {
    const py::array& out = arrays.front();
    const auto ndim = static_cast<std::size_t>(out.ndim());
    std::vector<std::int64_t> shape(ndim);
    std::vector<std::vector<std::int64_t>> strides(arrays.size(),
                                                   std::vector<std::int64_t>(ndim));
    for (std::size_t d = 0; d < ndim; ++d) {
        shape[d] = out.shape(static_cast<py::ssize_t>(d));
        numel_ *= shape[d];
    }
    for (std::size_t k = 0; k < arrays.size(); ++k) {
        const py::array& a = arrays[k];
        const auto itemsize = static_cast<std::int64_t>(a.itemsize());
        if (!(a.flags() & kAligned)) {
            call.fail("ArgumentError", "an array is not aligned to its dtype's size",
                      "pass aligned arrays (np.require(a, requirements='A'))");
        }
        for (std::size_t d = 0; d < ndim; ++d) {
            const auto s = static_cast<std::int64_t>(a.strides(static_cast<py::ssize_t>(d)));
            if (s % itemsize != 0) {
                call.fail("ArgumentError", "a stride is not a multiple of the dtype's size",
                          "pass arrays whose strides are whole elements");
            }
            strides[k][d] = s / itemsize;
            if (k == 0 && s == 0 && shape[d] > 1) {
                call.fail("ArgumentError", "out has a zero stride (a broadcast view), so "
                          "several results would land on one element",
                          "write into an array with its own memory for every element");
            }
        }
    }
    // Merge what every array walks contiguously; drop dimensions of size 1.
    for (std::size_t d = 0; d < ndim; ++d) {
        if (shape[d] == 1) {
            continue;
        }
        bool merge = !shape_.empty();
        for (std::size_t k = 0; merge && k < arrays.size(); ++k) {
            merge = strides_[k].back() == strides[k][d] * shape[d];
        }
        if (merge) {
            shape_.back() *= shape[d];
            for (std::size_t k = 0; k < arrays.size(); ++k) {
                strides_[k].back() = strides[k][d];
            }
            continue;
        }
        shape_.push_back(shape[d]);
        if (strides_.empty()) {
            strides_.resize(arrays.size());
        }
        for (std::size_t k = 0; k < arrays.size(); ++k) {
            strides_[k].push_back(strides[k][d]);
        }
    }
    if (strides_.empty()) {
        strides_.resize(arrays.size());
    }
}

std::int64_t Layout::row_offset(std::size_t k, std::int64_t r) const {
    std::int64_t offset = 0;
    if (shape_.size() <= 1) {
        return 0;
    }
    for (std::size_t d = shape_.size() - 1; d-- > 0;) {
        offset += (r % shape_[d]) * strides_[k][d];
        r /= shape_[d];
    }
    return offset;
}

bool Layout::contiguous() const {
    if (shape_.size() > 1) {
        return false;
    }
    for (const auto& s : strides_) {
        if (!s.empty() && s.back() != 1) {
            return false;
        }
    }
    return true;
}

}  // namespace plugboard_native
