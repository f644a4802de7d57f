#include "checks.hpp"

#include <sstream>

namespace plugboard_native {

namespace {

constexpr int kNpyFloat32 = 11;
constexpr int kNpyFloat64 = 12;
constexpr int kNpyFloat16 = 23;
constexpr int kAligned = 0x0100;  // NPY_ARRAY_ALIGNED

std::string dtype_text(const py::array& a) {
    return py::str(a.dtype().attr("name")).cast<std::string>();
}

// ml_dtypes registers bfloat16 at run time: its type number is learnt from the first
// 2-byte user dtype named bfloat16.
bool is_bfloat16(const py::dtype& d) {
    static int number = -1;
    if (number >= 0) {
        return d.num() == number;
    }
    if (d.kind() != 'V' || d.itemsize() != 2) {
        return false;
    }
    if (py::str(d.attr("name")).cast<std::string>() != "bfloat16") {
        return false;
    }
    number = d.num();
    return true;
}

bool dtype_of(const py::array& a, DType* out) {
    const py::dtype d = a.dtype();
    switch (d.num()) {
        case kNpyFloat32: *out = DType::f32; return true;
        case kNpyFloat64: *out = DType::f64; return true;
        case kNpyFloat16: *out = DType::f16; return true;
        default: break;
    }
    if (is_bfloat16(d)) {
        *out = DType::bf16;
        return true;
    }
    return false;
}

}  // namespace

const char* dtype_name(DType d) {
    switch (d) {
        case DType::f32: return "float32";
        case DType::f64: return "float64";
        case DType::f16: return "float16";
        case DType::bf16: return "bfloat16";
    }
    return "?";
}

std::int64_t numel(const py::array& a) { return static_cast<std::int64_t>(a.size()); }

Call::Call(std::string op, std::vector<std::pair<std::string, py::array>> arrays)
    : op_(std::move(op)), arrays_(std::move(arrays)) {}

const py::array& Call::operator[](const std::string& name) const {
    for (const auto& [n, a] : arrays_) {
        if (n == name) {
            return a;
        }
    }
    throw std::logic_error("no array named " + name);
}

std::string Call::describe() const {
    std::ostringstream text;
    bool first = true;
    for (const auto& [name, a] : arrays_) {
        text << (first ? "" : ", ") << name << ": " << dtype_text(a) << "[";
        for (py::ssize_t i = 0; i < a.ndim(); ++i) {
            text << (i ? ", " : "") << a.shape(i);
        }
        text << "] strides (";
        for (py::ssize_t i = 0; i < a.ndim(); ++i) {
            text << (i ? ", " : "") << a.strides(i);
        }
        text << (a.ndim() == 1 ? ",)" : ")") << " bytes on cpu:0";
        first = false;
    }
    return text.str();
}

void Call::fail(const std::string& kind, const std::string& message,
                const std::string& fix) const {
    throw KernelArgumentError(kind, "native " + op_, message + ". Fix: " + fix, describe());
}

DType Call::dtype() const {
    DType common = DType::f32;
    bool first = true;
    for (const auto& [name, a] : arrays_) {
        DType d;
        if (!dtype_of(a, &d)) {
            fail("DTypeError", "the native kernel computes float32, float64, float16 and "
                 "bfloat16, not " + dtype_text(a) + " (" + name + ")",
                 "use the NumPy kernel for this dtype (the CPU backend chooses it)");
        }
        if (!first && d != common) {
            fail("DTypeError", "the native kernel takes one dtype for every array, and " +
                 name + " is " + dtype_name(d) + " beside " + dtype_name(common),
                 "cast the arrays to one dtype first; the kernel converts nothing");
        }
        common = d;
        first = false;
    }
    return common;
}

void Call::require_contiguous() const {
    for (const auto& [name, a] : arrays_) {
        if (!(a.flags() & py::array::c_style) || !(a.flags() & kAligned)) {
            fail("ArgumentError", name + " is not a C-contiguous, aligned array, and the "
                 "native kernel reads and writes memory in order",
                 "pass contiguous arrays (np.ascontiguousarray), or use the NumPy kernel, "
                 "which reads any strides");
        }
    }
    require_writeable();
}

void Call::require_writeable() const {
    for (const auto& [name, a] : arrays_) {
        if (name == "out" && !a.writeable()) {
            fail("ArgumentError", "out is read-only, and the kernel writes its result there",
                 "pass a writeable out array");
        }
    }
}

void Call::require_numel(const std::string& name, std::int64_t n) const {
    if (numel((*this)[name]) != n) {
        fail("ShapeError", name + " has " + std::to_string(numel((*this)[name])) +
             " elements where the kernel needs " + std::to_string(n),
             "pass arrays of matching shapes");
    }
}

std::int64_t Call::require_rows(std::int64_t cols) const {
    const std::int64_t n = numel((*this)["self"]);
    if (cols <= 0 || n % cols != 0) {
        fail("ShapeError", "a row of " + std::to_string(cols) + " elements does not divide "
             "the input's " + std::to_string(n), "pass the length of the input's last dimension");
    }
    require_numel("out", n / cols);
    return n / cols;
}

void Call::require_same_shape(const std::string& a, const std::string& b) const {
    const py::array& x = (*this)[a];
    const py::array& y = (*this)[b];
    bool same = x.ndim() == y.ndim();
    for (py::ssize_t i = 0; same && i < x.ndim(); ++i) {
        same = x.shape(i) == y.shape(i);
    }
    if (!same) {
        fail("ShapeError", a + " and " + b + " differ in shape, and the kernel does not "
             "broadcast", "pass arrays of one shape");
    }
}

}  // namespace plugboard_native
